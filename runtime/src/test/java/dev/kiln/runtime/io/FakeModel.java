package dev.kiln.runtime.io;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.util.List;

/**
 * A two-parameter stand-in for a generated model: a "dense" weight stored transposed (so the
 * PyTorch order matters) and a bias. Only what checkpoints touch does anything.
 */
final class FakeModel implements Model {
    private final String architecture;
    private final List<Parameter> parameters;
    private long step;
    private long seed;

    /** A 3-output, {@code inputs}-input dense layer. */
    FakeModel(int inputs, long seed) {
        this.architecture = "input 1x1x" + inputs + " | dense 3 relu";
        int[] order = new int[3 * inputs];
        for (int out = 0; out < 3; out++) {
            for (int in = 0; in < inputs; in++) {
                order[out * inputs + in] = in * 3 + out; // PyTorch [out][in] from internal [in][out]
            }
        }
        Parameter weight = new Parameter("fc.weight", new int[] {3, inputs}, order, true, 0.01f);
        Parameter bias = new Parameter("fc.bias", new int[] {3}, null, true, 0f);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (Parameter p : List.of(weight, bias)) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) random.nextGaussian();
            }
        }
        this.parameters = List.of(weight, bias);
        this.seed = seed;
    }

    /** One made-up gradient step, so that the optimizer has state worth saving. */
    void fakeStep(Optimizer optimizer) {
        step++;
        for (Parameter p : parameters) {
            for (int i = 0; i < p.size(); i++) {
                p.grad()[i] = (float) Math.sin(step * 31 + i) + 0.5f * p.value()[i];
            }
        }
        optimizer.step(parameters);
    }

    @Override public String name() { return "Fake"; }
    @Override public String architecture() { return architecture; }
    @Override public int inputChannels() { return 1; }
    @Override public int inputHeight() { return 1; }
    @Override public int inputWidth() { return parameters.get(0).pytorchShape()[1]; }
    @Override public int classes() { return 3; }
    @Override public float[] predict(float[] image) { throw new UnsupportedOperationException("not needed by checkpoints"); }
    @Override public void predictBatch(float[] images, int count, float[] probabilities) { throw new UnsupportedOperationException(); }
    @Override public float trainStep(float[] images, int[] labels, int count, Optimizer optimizer) { throw new UnsupportedOperationException(); }
    @Override public float loss(float[] images, int[] labels, int count) { throw new UnsupportedOperationException(); }
    @Override public int lastBatchCorrect() { throw new UnsupportedOperationException(); }
    @Override public List<Parameter> parameters() { return parameters; }
    @Override public long step() { return step; }
    @Override public void setStep(long step) { this.step = step; }
    @Override public long seed() { return seed; }
    @Override public void setSeed(long seed) { this.seed = seed; }
    @Override public int threads() { return 1; }
    @Override public void setThreads(int threads) { }
    @Override public String summary() { return architecture; }
    @Override public long forwardFlops() { return 0; }
    @Override public void close() { }
}
