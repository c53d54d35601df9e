package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels' dispatch methods stay small enough for C2 to inline them into their hot callers:
 * 325 bytes of bytecode (HotSpot's FreqInlineSize). Past it a dispatch becomes a call, and the
 * training pass compiles differently: with a paired-window path inside VectorPooling.maxForward
 * (1794255, withdrawn by c18ac11), `kiln train tf-mnist` trained an epoch in 24.1 s against
 * 14.9 s; with the three-vector tile loops inside VectorTiles.panelColumns (333 bytes, f7de335),
 * in 16.2 and 18.5 s against 15.6 and 16.6 in a slow spell. A growing dispatch must hand its new
 * work to a method of its own. Reads the compiled classes, so the limit holds on a machine of any
 * vector width.
 */
class InlinedDispatchTest {
    private static final int FREQ_INLINE_SIZE = 325;

    @ParameterizedTest
    @CsvSource({"VectorTiles, panelColumns", "VectorPooling, maxForward", "WinogradConv, outputTile",
            "WinogradConv, inputTile", "WinogradConv, gradientTile"})
    void dispatchFitsC2sInliningLimit(String className, String method) throws IOException {
        ClassModel model;
        try (InputStream in = InlinedDispatchTest.class.getResourceAsStream(className + ".class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        int found = 0;
        for (MethodModel m : model.methods()) {
            if (m.methodName().equalsString(method)) {
                int bytes = m.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
                assertTrue(bytes <= FREQ_INLINE_SIZE, className + "." + method + m.methodType().stringValue()
                        + " has " + bytes + " bytes of bytecode, past the " + FREQ_INLINE_SIZE + " C2 inlines");
                found++;
            }
        }
        assertTrue(found > 0, "no method " + method + " in " + className);
    }
}
