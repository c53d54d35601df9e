package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped directives let C2 compile some kernel methods in the background while the
 * interpreter goes on running them (see CompilerDirectives). That is only cheap for a method that
 * loops over calls to other kernels: one that ran vector operations itself would run them through
 * the Vector API's Java fallback, about 100x slower and allocating, until C2 was done. So every
 * method those directives name must call no Vector API method but a species' constant queries.
 */
class BackgroundCompiledDriversTest {

    private static final Pattern BACKGROUND_BLOCK = Pattern.compile(
            "\"match\"\\s*:\\s*\\[([^\\]]*)\\][^{}]*\"c1\"[^}]*}\\s*,\\s*\"c2\"\\s*:\\s*\\{\\s*\"BackgroundCompilation\"\\s*:\\s*true");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    @Test
    void methodsCompiledInTheBackgroundRunNoVectorOperationsOfTheirOwn() throws IOException {
        List<String> patterns = backgroundPatterns();
        assertFalse(patterns.isEmpty(), "no directive with BackgroundCompilation true in " + CompilerDirectives.RESOURCE);
        List<String> offenders = new ArrayList<>();
        int methods = 0;
        for (String pattern : patterns) {
            int dot = pattern.lastIndexOf('.');
            String className = pattern.substring(0, dot), methodName = pattern.substring(dot + 1);
            assertTrue(className.startsWith("dev/kiln/runtime/kernels/"), "not a kernel class: " + pattern);
            ClassModel model = classModel(className);
            int matched = 0;
            for (MethodModel method : model.methods()) {
                if (!methodName.equals("*") && !method.methodName().equalsString(methodName)) {
                    continue;
                }
                matched++;
                String called = vectorOperationCalled(method);
                if (called != null) {
                    offenders.add(className + "." + method.methodName().stringValue() + " calls " + called);
                }
            }
            assertTrue(matched > 0, "the directive names a method that does not exist: " + pattern);
            methods += matched;
        }
        assertEquals(List.of(), offenders, "vector operations in methods compiled in the background");
        assertTrue(methods > patterns.size(), "only " + methods + " methods checked");
    }

    @Test
    void aMethodWithVectorOperationsIsCaught() throws IOException {
        ClassModel tiles = classModel("dev/kiln/runtime/kernels/WinogradConv");
        MethodModel inputTile4 = tiles.methods().stream()
                .filter(m -> m.methodName().equalsString("inputTile4")).findFirst().orElseThrow();

        assertTrue(vectorOperationCalled(inputTile4).startsWith("jdk/incubator/vector/"));
    }

    /** The method patterns of the directive blocks that compile in the background, e.g. dev/kiln/runtime/kernels/VectorKernels.*. */
    private static List<String> backgroundPatterns() throws IOException {
        String directives = ShippedDirectives.text();
        List<String> patterns = new ArrayList<>();
        Matcher block = BACKGROUND_BLOCK.matcher(directives);
        while (block.find()) {
            Matcher name = QUOTED.matcher(block.group(1));
            while (name.find()) {
                patterns.add(name.group(1));
            }
        }
        return patterns;
    }

    private static ClassModel classModel(String internalName) throws IOException {
        try (InputStream in = BackgroundCompiledDriversTest.class.getResourceAsStream("/" + internalName + ".class")) {
            assertTrue(in != null, "no class " + internalName);
            return ClassFile.of().parse(in.readAllBytes());
        }
    }

    /** The first Vector API method the method calls, other than a species' queries; null when none. */
    private static String vectorOperationCalled(MethodModel method) {
        CodeModel code = method.code().orElse(null);
        if (code == null) {
            return null;
        }
        for (var element : code) {
            if (element instanceof InvokeInstruction invoke) {
                String owner = invoke.owner().asInternalName();
                if (owner.startsWith("jdk/incubator/vector/") && !owner.equals("jdk/incubator/vector/VectorSpecies")) {
                    return owner + "." + invoke.name().stringValue();
                }
            }
        }
        return null;
    }
}
