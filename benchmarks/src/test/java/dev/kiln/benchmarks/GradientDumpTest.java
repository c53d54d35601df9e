package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientDumpTest {

    /**
     * The files tools/gradient_accuracy.py reads: the manifest, and the batch's predicted
     * probabilities, which are the model's own prediction on the images written beside them.
     */
    @Test
    void writesTheBatchAndItsPredictions(@TempDir Path dir) throws IOException {
        int batch = 3;
        try (Model model = SeedNetworks.KERAS_MNIST.create(5)) {
            model.setThreads(1);
            GradientDump.write(model, batch, 5, dir);
            List<String> manifest = Files.readAllLines(dir.resolve("manifest.txt"));
            assertTrue(manifest.get(0).startsWith("architecture\t"), manifest.get(0));
            assertTrue(manifest.contains("batch\t3"), manifest.toString());

            float[] images = readFloats(dir.resolve("images.f32"));
            float[] written = readFloats(dir.resolve("predictions.f32"));
            assertEquals(batch * model.inputSize(), images.length);
            float[] expected = new float[batch * model.classes()];
            model.predictBatch(images, batch, expected);
            assertArrayEquals(expected, written);
            for (int r = 0; r < batch; r++) {
                double sum = 0;
                for (int c = 0; c < model.classes(); c++) {
                    sum += written[r * model.classes() + c];
                }
                assertEquals(1.0, sum, 1e-5, "probabilities of example " + r);
            }
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
