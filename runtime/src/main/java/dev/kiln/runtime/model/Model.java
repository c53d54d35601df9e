package dev.kiln.runtime.model;

import dev.kiln.runtime.optim.Optimizer;
import java.util.List;

/**
 * What every generated model offers. Images are given in PyTorch's layout, channels x height x
 * width, one example after another; labels are class indices.
 *
 * <p>A model owns its buffers: they are allocated once per batch size and reused, so a training
 * step or a prediction allocates nothing in steady state. It runs its own work on
 * {@link #threads()} threads, and a given seed and thread count give bit-identical results run
 * after run.
 *
 * <p>Threads (Kiln's generated models; see {@code AbstractModel}): the inference calls
 * {@link #predict(float[])}, {@link #predict(float[], float[])}, {@link #predictBatch} and
 * {@link #accuracy} may be called from any number of threads at once, and each answers bit for bit
 * as it would alone. A training step may run while other threads predict: each prediction sees the
 * weights before or after the step, never a mix. Training calls ({@link #trainStep}, {@link #loss})
 * run one at a time, and {@link #lastBatchCorrect()}, {@link #step()} and {@link #seed()} are
 * meant for the thread that trains. Weights written from outside while others predict must be
 * written inside {@link #changeWeights}.
 */
public interface Model extends AutoCloseable {

    /** The annotated class's simple name, e.g. "TfMnist". */
    String name();

    /**
     * A one-line description of the architecture (every layer with its shape and options), used as
     * the checkpoint fingerprint: two models can exchange weights exactly when these are equal.
     */
    String architecture();

    int inputChannels();

    int inputHeight();

    int inputWidth();

    /** Values per example: channels * height * width. */
    default int inputSize() {
        return inputChannels() * inputHeight() * inputWidth();
    }

    int classes();

    /** Class probabilities of one image, computed on the calling thread; safe from many threads at once. */
    float[] predict(float[] image);

    /**
     * Class probabilities of one image into {@code probabilities[classes()]}, on the calling
     * thread; unlike {@link #predict(float[])} this allocates nothing in steady state.
     */
    default void predict(float[] image, float[] probabilities) {
        System.arraycopy(predict(image), 0, probabilities, 0, classes());
    }

    /**
     * Share of the {@code count} images whose most probable class is the label, by batch
     * inference on all threads in batches of {@code batchSize}.
     */
    default double accuracy(float[] images, int[] labels, int count, int batchSize) {
        int classes = classes();
        float[] probabilities = new float[Math.min(batchSize, count) * classes];
        float[] batch = new float[Math.min(batchSize, count) * inputSize()];
        long correct = 0;
        for (int from = 0; from < count; from += batchSize) {
            int n = Math.min(batchSize, count - from);
            System.arraycopy(images, from * inputSize(), batch, 0, n * inputSize());
            predictBatch(batch, n, probabilities);
            correct += Predictions.correct(probabilities, n, classes, labels, from);
        }
        return (double) correct / count;
    }

    /**
     * Class probabilities of {@code count} images into {@code probabilities[count * classes()]}, on
     * all of the model's threads when they are free; safe from many threads at once.
     */
    void predictBatch(float[] images, int count, float[] probabilities);

    /**
     * Prepares now what {@code threads} threads calling {@link #predict(float[], float[])} at the
     * same time need, so that a server allocates nothing once warm even the first time its load
     * peaks. Optional: without it the same buffers are made on first need. This default does nothing.
     */
    default void reserveForConcurrentPredictions(int threads) {}

    /**
     * Runs {@code change}, which writes weights (a checkpoint load, {@link Parameter#fromPytorch}),
     * while no prediction or training step reads them, and brings what the model derives from them
     * up to date before any does again. A model that is not shared between threads may run it
     * directly, as this default does.
     */
    default void changeWeights(Runnable change) {
        change.run();
    }

    /**
     * One training step: forward with dropout, softmax cross-entropy, backward, and one update by
     * {@code optimizer}. Returns the batch's mean loss, including the L2 terms. Increments {@link #step()}.
     */
    float trainStep(float[] images, int[] labels, int count, Optimizer optimizer);

    /** Mean loss of a batch without training (no dropout, no update). */
    float loss(float[] images, int[] labels, int count);

    /**
     * How many examples of the last {@link #trainStep} or {@link #loss} call had their highest
     * logit at the label (the training accuracy Keras reports, dropout included).
     */
    int lastBatchCorrect();

    /** Weights and biases, in the order of the layers, named as in a PyTorch state_dict. */
    List<Parameter> parameters();

    /** Training steps taken so far; part of the dropout random stream, so it is saved in checkpoints. */
    long step();

    void setStep(long step);

    /** The seed the model was created with; with {@link #step()} it determines every dropout mask. */
    long seed();

    void setSeed(long seed);

    int threads();

    /** Uses {@code threads} worker threads from now on (1 = the calling thread only). */
    void setThreads(int threads);

    /**
     * Whether a training step leaves every trainable parameter's gradient in {@link Parameter#grad()}.
     * Off by default in Kiln's generated models: the weight gradient of a large dense layer (128 Ki
     * weights or more) is then computed by the optimizer's update a block of rows at a time, each
     * block applied while it is in cache and never stored, which spares the step writing the whole
     * gradient out to memory and reading it back (12.8 MB for tf-mnist's fc1); that weight's
     * {@code grad()} then refuses with an exception. On, the backward pass stores every gradient
     * and the update only applies them: a step takes a little longer, but the update holds the
     * weights alone for less time, so predictions made while the model trains wait less. The
     * weights come out the same either way. Optimizers that update whole steps only
     * ({@link dev.kiln.runtime.optim.Optimizer#beginStep} false) always get every gradient. This
     * default keeps them always and ignores the setting.
     */
    default void setGradientsKept(boolean kept) {
    }

    /** Whether training steps keep every gradient ({@link #setGradientsKept}). */
    default boolean gradientsKept() {
        return true;
    }

    /**
     * The layers in declaration order, each with its name, kind and output shape. Empty for a
     * model that does not describe them (Kiln's generated models always do).
     */
    default List<LayerInfo> layers() {
        return List.of();
    }

    /**
     * What layer {@code layer} (a name from {@link #layers()}) outputs for one image, in (C, H, W)
     * order: the values the model's own inference pass computes there (after the layer's
     * activation, without dropout; a dropout layer passes its input on). For looking inside a
     * network, e.g. the feature maps of its first convolution. Safe from many threads at once, like
     * {@link #predict(float[])}.
     *
     * @throws IllegalArgumentException when no layer has that name, or {@code image} is too short
     * @throws UnsupportedOperationException when the model does not expose its layers' outputs
     */
    default float[] activations(float[] image, String layer) {
        throw new UnsupportedOperationException(name() + " does not expose the outputs of its layers");
    }

    /** The summary table: each layer's output shape and parameters, totals, forward FLOPs. */
    String summary();

    /** Forward FLOPs per example (2 per multiply-add). */
    long forwardFlops();

    /** Stops the worker threads. */
    @Override
    void close();
}
