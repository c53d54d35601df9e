package dev.kiln.benchmarks;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.RandomBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training step's gradients, written for a float64 reference to check (tools/gradient_accuracy.py):
 * the architecture fingerprint, the batch, every parameter's value and gradient in PyTorch's
 * layout, and the batch's predicted probabilities, as raw little-endian files listed in
 * manifest.txt. The weights are left as they were, so the reference computes its gradient at the
 * same point.
 */
public final class GradientDump {
    private GradientDump() {
    }

    /**
     * Writes the step on a batch of {@code batch} random images (uniform in [0, 1)) and labels,
     * both from {@code seed}, into {@code dir}.
     */
    public static void write(Model model, int batch, long seed, Path dir) throws IOException {
        RandomBatch examples = RandomBatch.of(model, batch, seed);
        float[] images = examples.images();
        int[] labels = examples.labels();
        model.setGradientsKept(true);
        float loss = model.trainStep(images, labels, batch, KEEP_WEIGHTS);
        float[] probabilities = new float[batch * model.classes()];
        model.predictBatch(images, batch, probabilities);      // a prediction's algorithms, at the same weights

        Files.createDirectories(dir);
        List<String> manifest = new ArrayList<>();
        manifest.add("architecture\t" + model.architecture());
        manifest.add(String.format(Locale.ROOT, "batch\t%d", batch));
        manifest.add(String.format(Locale.ROOT, "seed\t%d", model.seed()));
        manifest.add(String.format(Locale.ROOT, "step\t%d", model.step() - 1));     // the step that ran
        manifest.add(String.format(Locale.ROOT, "threads\t%d", model.threads()));
        manifest.add(String.format(Locale.ROOT, "loss\t%.9g", loss));
        writeFloats(dir.resolve("images.f32"), images);
        writeInts(dir.resolve("labels.i32"), labels);
        writeFloats(dir.resolve("predictions.f32"), probabilities);
        for (Parameter p : model.parameters()) {
            StringBuilder shape = new StringBuilder();
            for (int d : p.pytorchShape()) {
                shape.append(shape.isEmpty() ? "" : "x").append(d);
            }
            manifest.add(String.format(Locale.ROOT, "parameter\t%s\t%s\t%s\t%s",
                    p.name(), shape, p.trainable(), p.l2()));
            writeFloats(dir.resolve(p.name() + ".value.f32"), p.toPytorch());
            writeFloats(dir.resolve(p.name() + ".grad.f32"), p.gradToPytorch());
        }
        Files.write(dir.resolve("manifest.txt"), manifest);
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    private static void writeInts(Path file, int[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        Files.write(file, bytes.array());
    }

    /** Computes nothing: the gradients stay readable and the weights stay where they were measured. */
    private static final Optimizer KEEP_WEIGHTS = new Optimizer() {
        @Override
        public void step(List<Parameter> parameters) {
        }

        @Override
        public float learningRate() {
            return 0f;
        }

        @Override
        public void setLearningRate(float learningRate) {
        }

        @Override
        public Map<String, float[]> state() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, float[]> state, List<Parameter> parameters) {
        }

        @Override
        public String describe() {
            return "none (gradients only)";
        }
    };
}
