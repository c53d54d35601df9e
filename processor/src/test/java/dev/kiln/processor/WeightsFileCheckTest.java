package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Parameter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Network(weights = ...)}: the processor reads the safetensors header and reports every
 * tensor that does not fit, on the layer at fault; the generated {@code loadWeights()} loads it.
 */
class WeightsFileCheckTest {

    /** conv: 2 filters of 1x3x3 on 1x6x6 gives 2x4x4; logits: 3 units on those 32 values. */
    private static final String NETWORK = """
            @Network(input = {1, 6, 6}, weights = "w.safetensors")
            class W {
                @Conv(filters = 2, kernel = 3) Layer conv;
                @Dense(units = 3) Layer logits;
            }
            """;

    @TempDir
    Path dir;

    /** The tensors of the network above, by name: dtype and shape. */
    private static Map<String, Object[]> fitting() {
        Map<String, Object[]> tensors = new LinkedHashMap<>();
        tensors.put("conv.weight", new Object[] {"F32", new int[] {2, 1, 3, 3}});
        tensors.put("conv.bias", new Object[] {"F32", new int[] {2}});
        tensors.put("logits.weight", new Object[] {"F32", new int[] {3, 32}});
        tensors.put("logits.bias", new Object[] {"F32", new int[] {3}});
        return tensors;
    }

    @Test
    void aFileThatFitsCompilesClean() throws IOException {
        writeWeights(fitting());
        Compilation c = check(source());
        assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void aWrongShapeIsReportedOnItsLayerWithBothShapes() throws IOException {
        Map<String, Object[]> tensors = fitting();
        tensors.put("logits.weight", new Object[] {"F32", new int[] {3, 50}});
        tensors.put("conv.weight", new Object[] {"F32", new int[] {2, 3, 3, 1}});
        writeWeights(tensors);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorShape] logits: tensor logits.weight has shape [3, 50]"
                + " in the weights file, but this layer's is [3, 32]").inFile(src).onLineContaining("Layer logits");
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorShape] conv: tensor conv.weight has shape [2, 3, 3, 1]"
                + " in the weights file, but this layer's is [2, 1, 3, 3]").inFile(src).onLineContaining("Layer conv");
    }

    @Test
    void aMissingTensorIsReportedOnItsLayer() throws IOException {
        Map<String, Object[]> tensors = fitting();
        tensors.remove("conv.bias");
        writeWeights(tensors);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorMissing] conv: the weights file has no tensor conv.bias,"
                + " which should be F32 [2]").inFile(src).onLineContaining("Layer conv");
    }

    @Test
    void anExtraTensorIsReportedOnTheNetwork() throws IOException {
        Map<String, Object[]> tensors = fitting();
        tensors.put("fc2.weight", new Object[] {"F32", new int[] {4, 3}});
        writeWeights(tensors);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorExtra] the weights file has tensor fc2.weight [4, 3],"
                + " which is no parameter of this network").inFile(src).onLineContaining("@Network");
    }

    @Test
    void aNonFloatDtypeIsReportedButTheConvertedFloatsAreNot() throws IOException {
        Map<String, Object[]> tensors = fitting();
        tensors.put("conv.bias", new Object[] {"I64", new int[] {2}});
        tensors.put("conv.weight", new Object[] {"BF16", new int[] {2, 1, 3, 3}});
        tensors.put("logits.weight", new Object[] {"F16", new int[] {3, 32}});
        tensors.put("logits.bias", new Object[] {"F64", new int[] {3}});
        writeWeights(tensors);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorDtype] conv: tensor conv.bias is I64 in the weights file")
                .inFile(src).onLineContaining("Layer conv");
    }

    @Test
    void headerThatIsNotJsonIsACorruptHeader() throws IOException {
        writeRaw(header("{\"conv.weight\": {\"dtype\": \"F32\", \"shape\": [2, 1, 3, 3]"), new byte[0]);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsHeaderCorrupt] weights = \"w.safetensors\" is not a safetensors"
                + " file: the header is not valid JSON").inFile(src).onLineContaining("@Network");
    }

    @Test
    void headerLengthPastTheEndIsACorruptHeader() throws IOException {
        byte[] json = "{}".getBytes(UTF_8);
        byte[] bytes = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1000).put(json).array();
        Files.createDirectories(dir.resolve("test"));
        Files.write(dir.resolve("test/w.safetensors"), bytes);
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsHeaderCorrupt] weights = \"w.safetensors\" is not a safetensors"
                + " file: the header length 1000 runs past the end of the file, which has 2 bytes after it")
                .inFile(src).onLineContaining("@Network");
    }

    @Test
    void headerLengthOverTheLimitIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Files.createDirectories(dir.resolve("test"));
        Files.write(dir.resolve("test/w.safetensors"),
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        Compilation c = check(source());
        assertThat(c).hadErrorContaining("the header length 18446744073709551615 is over the limit of 100000000 bytes");
    }

    @Test
    void aMissingFileSaysWhereItWasLookedFor() {
        JavaFileObject src = source();
        Compilation c = check(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsFileNotFound] weights = \"w.safetensors\" is not a file:"
                + " looked for it in package test on the class path and the source path").inFile(src)
                .onLineContaining("@Network");
    }

    @Test
    void aFileBesideTheSourceFileIsFound() throws IOException {
        Path sources = dir.resolve("src/test");
        Files.createDirectories(sources);
        Path file = sources.resolve("W.java");
        Files.writeString(file, ProcessorCompiler.IMPORTS + NETWORK);
        Map<String, Object[]> tensors = fitting();
        tensors.remove("logits.bias");
        Files.write(sources.resolve("w.safetensors"), safetensors(tensors, false));
        JavaFileObject src = JavaFileObjects.forResource(file.toUri().toURL());
        // Not on the class path this time: only the directory of W.java holds the file.
        Compilation c = Compiler.javac().withProcessors(new KilnProcessor())
                .withOptions("-Akiln.generate=false", "-proc:only").compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Kiln/WeightsTensorMissing] logits: the weights file has no tensor logits.bias")
                .inFile(src).onLineContaining("Layer logits");
    }

    @Test
    void theGeneratedModelLoadsTheCheckedFileInOneCall() throws Exception {
        writeWeights(fitting());
        Compilation c = Compiler.javac().withProcessors(new KilnProcessor())
                .withOptions("--add-modules", "jdk.incubator.vector", "-Xlint:-incubating")
                .withClasspath(classPath())
                .compile(source());
        assertThat(c).succeeded();
        // The compiled classes go beside the weights file, as Maven puts classes and resources together.
        for (JavaFileObject object : c.generatedFiles()) {
            if (object.getKind() == JavaFileObject.Kind.CLASS) {
                String path = object.toUri().getPath();
                Path target = dir.resolve(path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length()));
                Files.createDirectories(target.getParent());
                try (InputStream in = object.openInputStream()) {
                    Files.write(target, in.readAllBytes());
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("test.WModel");
            AbstractModel<?> model = (AbstractModel<?>) type.getMethod("create", long.class, int.class).invoke(null, 7L, 1);
            Object returned = type.getMethod("loadWeights").invoke(model);
            assertEquals(model, returned);
            float next = 0;
            for (Parameter p : model.parameters()) {
                float[] expected = new float[p.toPytorch().length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = next++ / 8;
                }
                assertArrayEquals(expected, p.toPytorch(), p.name());
            }
        }
    }

    private static JavaFileObject source() {
        return ProcessorCompiler.source("W", NETWORK);
    }

    /** Checks only, with {@link #dir} on the class path. */
    private Compilation check(JavaFileObject src) {
        return Compiler.javac().withProcessors(new KilnProcessor())
                .withOptions("-Akiln.generate=false", "-proc:only")
                .withClasspath(classPath())
                .compile(src);
    }

    private List<File> classPath() {
        List<File> path = new ArrayList<>();
        path.add(dir.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            path.add(new File(entry));
        }
        return path;
    }

    private void writeWeights(Map<String, Object[]> tensors) throws IOException {
        Files.createDirectories(dir.resolve("test"));
        Files.write(dir.resolve("test/w.safetensors"), safetensors(tensors, true));
    }

    private void writeRaw(byte[] header, byte[] data) throws IOException {
        Files.createDirectories(dir.resolve("test"));
        byte[] all = new byte[header.length + data.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data, 0, all, header.length, data.length);
        Files.write(dir.resolve("test/w.safetensors"), all);
    }

    /**
     * A safetensors file: the 8-byte little-endian length, the JSON header, then each tensor's
     * bytes; F32 tensors hold 0, 1/8, 2/8, ... counted across tensors when {@code values}, zeros
     * otherwise (every dtype's size is taken as 4 bytes: the processor never reads the data).
     */
    private static byte[] safetensors(Map<String, Object[]> tensors, boolean values) {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, Object[]> tensor : tensors.entrySet()) {
            int[] shape = (int[]) tensor.getValue()[1];
            long count = 1;
            StringBuilder dims = new StringBuilder();
            for (int size : shape) {
                count *= size;
                dims.append(dims.isEmpty() ? "" : ",").append(size);
            }
            json.append(json.length() > 1 ? "," : "").append('"').append(tensor.getKey()).append("\":{\"dtype\":\"")
                    .append(tensor.getValue()[0]).append("\",\"shape\":[").append(dims).append("],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + 4 * count).append("]}");
            offset += 4 * count;
        }
        byte[] header = header(json.append('}').toString());
        ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; values && i < offset / 4; i++) {
            data.putFloat(i / 8f);
        }
        byte[] all = new byte[header.length + (int) offset];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data.array(), 0, all, header.length, (int) offset);
        return all;
    }

    /** The length and the JSON. */
    private static byte[] header(String json) {
        byte[] utf8 = json.getBytes(UTF_8);
        return ByteBuffer.allocate(8 + utf8.length).order(ByteOrder.LITTLE_ENDIAN).putLong(utf8.length).put(utf8).array();
    }
}
