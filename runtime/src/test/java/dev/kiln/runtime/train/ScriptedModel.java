package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * A model whose training loss is a given function of the step, and which records the first
 * pixel of every example it was trained on (the examples below carry their index there), so tests
 * can see exactly which data the loop fed in which order.
 */
final class ScriptedModel implements Model {
    private final LongToDoubleFunction lossAtStep;
    final List<Integer> seen = new ArrayList<>();
    /** A weight for checkpoints to hold; {@link #poisonWeightAtStep} makes it diverge. */
    private final Parameter weight = new Parameter("fc.weight", new int[] {3}, null, true, 0f);
    private long poisonStep = -1;
    private int channels = 1;
    private int height = 1;
    private int width = 1;
    /** When not null, a copy of every training batch's images (count x channels x height x width). */
    List<float[]> batches;
    private long step;
    private long seed;
    private int correct;

    ScriptedModel(LongToDoubleFunction lossAtStep) {
        this.lossAtStep = lossAtStep;
    }

    /** Takes images of channels x height x width (default 1 x 1 x 1). */
    ScriptedModel withInput(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        return this;
    }

    /** Keeps a copy of every training batch's images in {@link #batches}. */
    ScriptedModel recordingBatches() {
        batches = new ArrayList<>();
        return this;
    }

    /** From step {@code at} on, one of the three weight values is NaN (as if the update had diverged), the loss still finite. */
    ScriptedModel poisonWeightAtStep(long at) {
        poisonStep = at;
        return this;
    }

    @Override
    public float trainStep(float[] images, int[] labels, int count, Optimizer optimizer) {
        step++;
        weight.value()[0] = step;
        if (step == poisonStep) {
            weight.value()[1] = Float.NaN;
        }
        correct = 0;
        if (batches != null) {
            batches.add(java.util.Arrays.copyOf(images, count * channels * height * width));
        }
        for (int i = 0; i < count; i++) {
            seen.add((int) images[i * channels * height * width]);
            correct += labels[i] % 2; // half the labels are odd
        }
        return (float) lossAtStep.applyAsDouble(step);
    }

    @Override public int lastBatchCorrect() { return correct; }
    @Override public String name() { return "Scripted"; }
    @Override public String architecture() { return "scripted"; }
    @Override public int inputChannels() { return channels; }
    @Override public int inputHeight() { return height; }
    @Override public int inputWidth() { return width; }
    @Override public int classes() { return 2; }
    /** How many times {@link #predict(float[])} was called. */
    int predictions;
    @Override public float[] predict(float[] image) { predictions++; return new float[] {1, 0}; }
    @Override public void predictBatch(float[] images, int count, float[] probabilities) {
        for (int i = 0; i < count; i++) {
            probabilities[2 * i] = 1; // always class 0
            probabilities[2 * i + 1] = 0;
        }
    }
    @Override public float loss(float[] images, int[] labels, int count) { return 0; }
    @Override public List<Parameter> parameters() { return List.of(weight); }
    @Override public long step() { return step; }
    @Override public void setStep(long step) { this.step = step; }
    @Override public long seed() { return seed; }
    @Override public void setSeed(long seed) { this.seed = seed; }
    @Override public int threads() { return 1; }
    @Override public void setThreads(int threads) {}
    @Override public String summary() { return "scripted"; }
    @Override public long forwardFlops() { return 0; }
    @Override public void close() {}

    /** {@code size} examples whose single pixel is their index and whose label is index % 2. */
    static Examples examples(int size) {
        return new Examples() {
            @Override public int size() { return size; }

            @Override
            public void fill(int[] order, int from, int count, float[] images, int[] labels) {
                for (int i = 0; i < count; i++) {
                    images[i] = order[from + i];
                    labels[i] = order[from + i] % 2;
                }
            }

            @Override
            public int[] order(long seed, int epoch) {
                int[] order = new int[size];
                for (int i = 0; i < size; i++) {
                    order[i] = (int) ((i * 7L + epoch * 3L + seed) % size); // a permutation when gcd(7, size) = 1
                }
                return order;
            }
        };
    }
}
