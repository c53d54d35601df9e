package dev.kiln.runtime.testing;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.model.Predictions;
import dev.kiln.runtime.optim.Optimizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A real, tiny model for training tests: one dense layer and softmax (multinomial logistic
 * regression), forward and backward written out in plain Java. It learns, so a test can watch
 * validation loss, early stopping and checkpoints on something that actually trains.
 */
public final class SoftmaxRegression implements Model {
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final Parameter weight;
    private final Parameter bias;
    private long step;
    private long seed;
    private int correct;

    public SoftmaxRegression(int channels, int height, int width, int classes, long seed) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.seed = seed;
        this.weight = new Parameter("fc.weight", new int[] {classes, inputSize()}, null, true, 0f);
        this.bias = new Parameter("fc.bias", new int[] {classes}, null, true, 0f);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < weight.size(); i++) {
            weight.value()[i] = (float) (0.01 * random.nextGaussian());
        }
    }

    @Override
    public float[] predict(float[] image) {
        float[] p = new float[classes];
        forward(image, 0, p, 0);
        return p;
    }

    @Override
    public void predictBatch(float[] images, int count, float[] probabilities) {
        for (int e = 0; e < count; e++) {
            forward(images, e * inputSize(), probabilities, e * classes);
        }
    }

    @Override
    public float trainStep(float[] images, int[] labels, int count, Optimizer optimizer) {
        float loss = lossAndGradients(images, labels, count, true);
        optimizer.step(List.of(weight, bias));
        step++;
        return loss;
    }

    @Override
    public float loss(float[] images, int[] labels, int count) {
        return lossAndGradients(images, labels, count, false);
    }

    /** Mean cross-entropy of a batch; with {@code gradients}, also the gradient of it into each parameter. */
    private float lossAndGradients(float[] images, int[] labels, int count, boolean gradients) {
        java.util.Arrays.fill(weight.grad(), 0);
        java.util.Arrays.fill(bias.grad(), 0);
        float[] p = new float[classes];
        double loss = 0;
        correct = 0;
        for (int e = 0; e < count; e++) {
            forward(images, e * inputSize(), p, 0);
            loss -= Math.log(Math.max(p[labels[e]], 1e-30f));
            if (Predictions.argmax(p, 0, classes) == labels[e]) {
                correct++;
            }
            for (int k = 0; gradients && k < classes; k++) {
                float g = (p[k] - (k == labels[e] ? 1 : 0)) / count;
                bias.grad()[k] += g;
                for (int i = 0; i < inputSize(); i++) {
                    weight.grad()[k * inputSize() + i] += g * images[e * inputSize() + i];
                }
            }
        }
        return (float) (loss / count);
    }

    private void forward(float[] images, int offset, float[] out, int outOffset) {
        double max = Double.NEGATIVE_INFINITY;
        double[] logits = new double[classes];
        for (int k = 0; k < classes; k++) {
            double z = bias.value()[k];
            for (int i = 0; i < inputSize(); i++) {
                z += weight.value()[k * inputSize() + i] * images[offset + i];
            }
            logits[k] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            logits[k] = Math.exp(logits[k] - max);
            sum += logits[k];
        }
        for (int k = 0; k < classes; k++) {
            out[outOffset + k] = (float) (logits[k] / sum);
        }
    }

    @Override public int lastBatchCorrect() { return correct; }
    @Override public String name() { return "SoftmaxRegression"; }
    @Override public String architecture() { return "input " + channels + "x" + height + "x" + width + " | dense " + classes + " softmax"; }
    @Override public int inputChannels() { return channels; }
    @Override public int inputHeight() { return height; }
    @Override public int inputWidth() { return width; }
    @Override public int classes() { return classes; }
    @Override public List<Parameter> parameters() { return List.of(weight, bias); }
    @Override public long step() { return step; }
    @Override public void setStep(long step) { this.step = step; }
    @Override public long seed() { return seed; }
    @Override public void setSeed(long seed) { this.seed = seed; }
    @Override public int threads() { return 1; }
    @Override public void setThreads(int threads) {}
    @Override public String summary() { return architecture(); }
    @Override public long forwardFlops() { return 2L * classes * inputSize(); }
    @Override public void close() {}
}
