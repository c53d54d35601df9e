package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.io.SafetensorsException.Problem;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    // ---- round trips ----

    @Test
    void aFileInsideAJarLoadsAsAFileOnDiskDoes() throws IOException {
        FakeModel source = new FakeModel(3, 1);
        Path file = dir.resolve("fake.safetensors");
        Safetensors.save(file, source, ParameterNames.identity());
        Path jar = dir.resolve("weights.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("models/fake.safetensors"));
            out.write(Files.readAllBytes(file));
        }
        FakeModel fromJar = new FakeModel(3, 2);
        Safetensors.load(URI.create("jar:" + jar.toUri() + "!/models/fake.safetensors").toURL(), fromJar,
                ParameterNames.identity());
        FakeModel fromFile = new FakeModel(3, 3);
        Safetensors.load(file.toUri().toURL(), fromFile, ParameterNames.identity());
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(source.parameters().get(p).value(), fromJar.parameters().get(p).value());
            assertArrayEquals(source.parameters().get(p).value(), fromFile.parameters().get(p).value());
        }
    }

    @Test
    void aMissingResourceNamesItAndItsAnchor() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Safetensors.loadResource(
                SafetensorsTest.class, "absent.safetensors", new FakeModel(3, 1), ParameterNames.identity()));
        assertTrue(e.getMessage().contains("absent.safetensors") && e.getMessage().contains("SafetensorsTest"),
                e.getMessage());
    }

    @Test
    void exportThenImportIsBitExact() throws IOException {
        FakeModel source = new FakeModel(5, 1);
        source.parameters().get(0).value()[3] = Float.intBitsToFloat(0x7FC0_1234); // a NaN with a payload
        source.parameters().get(0).value()[4] = -0f;
        source.parameters().get(1).value()[2] = Float.MIN_VALUE;
        Path file = dir.resolve("fake.safetensors");
        Safetensors.save(file, source, ParameterNames.identity());

        FakeModel target = new FakeModel(5, 2);
        long before = target.parameters().get(0).version();
        Safetensors.load(file, target, ParameterNames.identity());
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(bits(source.parameters().get(p).value()), bits(target.parameters().get(p).value()),
                    source.parameters().get(p).name());
        }
        assertTrue(target.parameters().get(0).version() > before, "the model is told its weights changed");
    }

    @Test
    void aCheckpointExportsTheSameBytesAsItsModel() throws IOException {
        FakeModel model = new FakeModel(4, 3);
        model.fakeStep(Adam.withLearningRate(1e-3f));
        Path checkpoint = dir.resolve("fake.kiln");
        Checkpoints.save(checkpoint, model, Adam.withLearningRate(1e-3f), Map.of());
        Path fromModel = dir.resolve("model.safetensors");
        Path fromCheckpoint = dir.resolve("checkpoint.safetensors");
        Safetensors.save(fromModel, model, ParameterNames.identity());
        Safetensors.save(fromCheckpoint, Checkpoints.load(checkpoint), ParameterNames.identity());
        assertArrayEquals(Files.readAllBytes(fromModel), Files.readAllBytes(fromCheckpoint));
    }

    /** The exporter's bytes against a file assembled here by hand from the format's specification. */
    @Test
    void theExporterWritesTheSpecifiedBytes() throws IOException {
        FakeModel model = new FakeModel(2, 4);
        Parameter weight = model.parameters().get(0);   // PyTorch [3, 2], stored transposed inside
        Parameter bias = model.parameters().get(1);
        weight.fromPytorch(new float[] {1f, -2f, 0.5f, 0.25f, -0f, 3e-8f});
        bias.fromPytorch(new float[] {7f, 8f, Float.NEGATIVE_INFINITY});
        Path file = dir.resolve("layout.safetensors");
        Safetensors.save(file, model, ParameterNames.identity());

        String json = "{\"__metadata__\":{\"format\":\"pt\",\"kiln.architecture\":\"input 1x1x2 | dense 3 relu\","
                + "\"kiln.model\":\"Fake\",\"kiln.step\":\"0\"},"
                + "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[12,36]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 36).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            expected.put((byte) ' ');
        }
        for (float v : new float[] {7f, 8f, Float.NEGATIVE_INFINITY, 1f, -2f, 0.5f, 0.25f, -0f, 3e-8f}) {
            expected.putFloat(v);
        }
        assertArrayEquals(expected.array(), Files.readAllBytes(file));
    }

    /** A file written outside Kiln by numpy and struct (src/test/python/write_safetensors_fixture.py). */
    @Test
    void readsAFileWrittenByPython() throws IOException {
        Path file = resource("numpy-written.safetensors");
        SafetensorsFile weights = SafetensorsFile.open(file);
        assertEquals(Map.of("format", "pt", "written by", "numpy + struct"), weights.metadata());
        assertEquals(List.of("fc.weight", "brain", "fc.bias", "half"),
                weights.tensors().stream().map(SafetensorsFile.Entry::name).toList());

        FakeModel model = new FakeModel(2, 5);
        // The file holds two tensors the model lacks: importing it whole is refused by name ...
        SafetensorsException extra = assertThrows(SafetensorsException.class,
                () -> Safetensors.load(file, model, ParameterNames.identity()));
        assertEquals(Problem.UNEXPECTED_TENSOR, extra.problem());
        assertTrue(extra.getMessage().contains("brain [6]"), extra.getMessage());
        // ... and each of its tensors reads back as numpy wrote it.
        assertArrayEquals(new float[] {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f}, weights.floats("fc.weight"));
        assertArrayEquals(new float[] {1.5f, -2f, 3.0e-8f}, weights.floats("fc.bias"));
    }

    @Test
    void f16ConvertsExactlyIncludingSubnormalsInfinitiesAndNaN() throws IOException {
        float[] half = SafetensorsFile.open(resource("numpy-written.safetensors")).floats("half");
        assertArrayEquals(bits(new float[] {0x1p-24f, 0x3FFp-24f, 0x1p-14f, 65504f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0f, 1f}), bits(half));
        float[] nan = SafetensorsFile.open(write("{\"n\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[] {0x00, 0x7E, 0x01, (byte) 0xFE})).floats("n");
        assertTrue(Float.isNaN(nan[0]) && Float.isNaN(nan[1]), "F16 NaNs stay NaN");
    }

    @Test
    void bf16ConvertsExactly() throws IOException {
        float[] brain = SafetensorsFile.open(resource("numpy-written.safetensors")).floats("brain");
        assertArrayEquals(bits(new float[] {1f, -2f, 0x1p-133f, Float.POSITIVE_INFINITY, 0x1.FEp127f, -0f}), bits(brain));
        float[] nan = SafetensorsFile.open(write("{\"n\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}",
                new byte[] {(byte) 0xC1, 0x7F})).floats("n");
        assertEquals(0x7FC1_0000, Float.floatToRawIntBits(nan[0]), "the NaN keeps its bits");
    }

    @Test
    void f64RoundsToNearestFloat() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(1e300);
        float[] values = SafetensorsFile.open(write("{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}",
                data.array())).floats("d");
        assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY}, values);
    }

    @Test
    void namesAndMetadataWithEscapesRoundTrip() throws IOException {
        String name = "odd \"name\" \\ \n\t\u0001 é 漢 😀";
        Path file = dir.resolve("escapes.safetensors");
        SafetensorsWriter.write(file, Map.of(name, new SafetensorsWriter.Tensor(new int[] {1}, new float[] {2f})),
                Map.of("k\"ey", "va\\lue\u001f"));
        SafetensorsFile read = SafetensorsFile.open(file);
        assertEquals(List.of(name), read.tensors().stream().map(SafetensorsFile.Entry::name).toList());
        assertEquals(Map.of("k\"ey", "va\\lue\u001f"), read.metadata());
        assertArrayEquals(new float[] {2f}, read.floats(name));
        assertEquals(Map.of("a/b", "\u00e9\ud83d\ude00"), SafetensorsFile.open(write(
                "{\"__metadata__\":{\"a\\/b\":\"\\u00e9\\ud83d\\ude00\"}}", new byte[0])).metadata());
    }

    // ---- names ----

    @Test
    void aMappingGivesPyTorchSequentialNamesBothWays() throws IOException {
        FakeModel source = new FakeModel(3, 6);
        Path file = dir.resolve("sequential.safetensors");
        ParameterNames sequential = ParameterNames.parse("fc=0");
        Safetensors.save(file, source, sequential);
        assertEquals(List.of("0.bias", "0.weight"),
                SafetensorsFile.open(file).tensors().stream().map(SafetensorsFile.Entry::name).toList());

        FakeModel target = new FakeModel(3, 7);
        SafetensorsException unmapped = assertThrows(SafetensorsException.class,
                () -> Safetensors.load(file, target, ParameterNames.identity()));
        assertEquals(Problem.MISSING_TENSOR, unmapped.problem());
        assertTrue(unmapped.getMessage().contains("no fc.weight"), unmapped.getMessage());

        Safetensors.load(file, target, ParameterNames.parse(" fc.weight = 0.weight , fc.bias=0.bias "));
        assertArrayEquals(bits(source.parameters().get(0).value()), bits(target.parameters().get(0).value()));
    }

    @Test
    void aMappingThatNamesNothingOrCollidesIsRefused() {
        FakeModel model = new FakeModel(3, 8);
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.save(dir.resolve("x.safetensors"), model, ParameterNames.parse("fc1=0")));
        assertTrue(typo.getMessage().contains("'fc1', which is no layer or parameter"), typo.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.save(dir.resolve("x.safetensors"), model, ParameterNames.parse("fc.weight=w,fc.bias=w")));
        assertTrue(same.getMessage().contains("the same name, w"), same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParameterNames.parse("fc"));
    }

    // ---- what an import checks ----

    @Test
    void aWrongShapeIsNamedWithBothShapesAndNothingChanges() throws IOException {
        Path file = dir.resolve("four.safetensors");
        Safetensors.save(file, new FakeModel(4, 1), ParameterNames.identity());
        FakeModel three = new FakeModel(3, 2);
        float[] before = three.parameters().get(1).value().clone();
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> Safetensors.load(file, three, ParameterNames.identity()));
        assertEquals(Problem.SHAPE_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("fc.weight has shape [3, 4] in the file but [3, 3] in the model"), e.getMessage());
        assertArrayEquals(before, three.parameters().get(1).value(), "the bias, which fits, is not loaded either");
    }

    @Test
    void anIntegerTensorIsRefusedByItsDtype() throws IOException {
        Path file = write("{\"fc.weight\":{\"dtype\":\"I32\",\"shape\":[3,1],\"data_offsets\":[0,12]},"
                + "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,24]}}", new byte[24]);
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> Safetensors.load(file, new FakeModel(1, 1), ParameterNames.identity()));
        assertEquals(Problem.UNSUPPORTED_DTYPE, e.problem());
        assertTrue(e.getMessage().contains("fc.weight is I32"), e.getMessage());
    }

    // ---- malformed files: each refused with its own problem, none read past what it holds ----

    @Test
    void hostileHeaderLengthsAreRefusedWithoutAllocating() throws IOException {
        assertProblem(Problem.HEADER_TOO_LARGE, raw(0x8000_0000_0000_0005L, "{}"));          // 2^63 + 5, unsigned
        assertProblem(Problem.HEADER_TOO_LARGE, raw(-1L, "{}"));                             // 2^64 - 1
        assertProblem(Problem.HEADER_TOO_LARGE, raw(SafetensorsFile.MAX_HEADER_BYTES + 1, "{}"));
        assertProblem(Problem.TRUNCATED, raw(90_000_000L, "{}"));                             // under the limit, past the end
        assertProblem(Problem.TRUNCATED, Files.write(dir.resolve("short"), new byte[5]));
    }

    @Test
    void headersThatAreNotTheFormatsJsonAreRefused() throws IOException {
        assertProblem(Problem.MALFORMED_HEADER, write("not json", new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, write("[1, 2]", new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", new byte[4]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", new byte[4]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", new byte[4]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"a\":null}", new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, write("{\"__metadata__\":{\"k\":1}}", new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, write("{} x", new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, write("[".repeat(20), new byte[0]));
        assertProblem(Problem.MALFORMED_HEADER, rawBytes(new byte[] {'{', '"', (byte) 0xC3, '"', '}'}));  // not UTF-8
        assertProblem(Problem.DUPLICATE_KEY, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]));
        assertProblem(Problem.UNSUPPORTED_DTYPE, write("{\"a\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
    }

    @Test
    void offsetsMustTileTheBufferExactly() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]}";
        String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%d,%d]}";
        assertProblem(Problem.OFFSETS_OUT_OF_RANGE, write("{" + a.formatted(0, 8) + "}", new byte[4]));
        assertProblem(Problem.OVERLAPPING, write("{" + a.formatted(0, 8) + "," + b.formatted(4, 8) + "}", new byte[8]));
        assertProblem(Problem.NOT_CONTIGUOUS, write("{" + a.formatted(4, 12) + "}", new byte[12]));
        assertProblem(Problem.NOT_CONTIGUOUS, write("{" + a.formatted(0, 8) + "," + b.formatted(12, 16) + "}", new byte[16]));
        assertProblem(Problem.TRAILING_BYTES, write("{" + a.formatted(0, 8) + "}", new byte[9]));
        assertProblem(Problem.SIZE_MISMATCH, write("{" + a.formatted(0, 4) + "}", new byte[4]));
        assertProblem(Problem.MALFORMED_HEADER, write("{" + a.formatted(8, 0) + "}", new byte[8]));
        assertProblem(Problem.TENSOR_TOO_LARGE, write("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", new byte[4]));
        // The tiling does not depend on the header's order; empty tensors take no bytes.
        SafetensorsFile fine = SafetensorsFile.open(write("{" + b.formatted(8, 12) + ",\"e\":{\"dtype\":\"F32\",\"shape\":[0],"
                + "\"data_offsets\":[8,8]}," + a.formatted(0, 8) + "}", new byte[12]));
        assertEquals(0, fine.floats("e").length);
    }

    @Test
    void aMissingFileSaysSo() {
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(dir.resolve("absent.safetensors")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    // ---- helpers ----

    private static void assertProblem(Problem expected, Path file) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertEquals(expected, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private Path write(String json, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        out.write(data);
        return rawFile(out.toByteArray());
    }

    private Path raw(long declaredLength, String json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.write(json.getBytes(StandardCharsets.UTF_8));
        return rawFile(out.toByteArray());
    }

    private Path rawBytes(byte[] header) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        return rawFile(out.toByteArray());
    }

    private Path rawFile(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "case", ".safetensors"), bytes);
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = SafetensorsTest.class.getResourceAsStream(name)) {
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
