package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.optim.Optimizer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything a generated model does that does not depend on its layers: worker threads and the
 * split of a batch into per-thread chunks, per-thread workspaces and gradient buffers, the
 * reduction of gradients in a fixed order, softmax cross-entropy, the L2 terms of the loss, the
 * optimizer call, and the conversion of images from the public (C, H, W) layout to NHWC.
 *
 * <p>A generated subclass supplies its constants, its parameters ({@link #registerParameters}),
 * a {@link Workspace} with one buffer per layer output, and the forward and backward passes of
 * one chunk of examples.
 *
 * <p>Determinism: chunk {@code t} of a batch of {@code n} examples on {@code T} threads is
 * examples {@code [t*n/T, (t+1)*n/T)}; each thread accumulates its gradients separately and the
 * sums are added in thread order, so a seed and a thread count give bit-identical results.
 * Dropout masks depend on the example's index in the batch, not on its thread.
 *
 * <p>Element-wise work on the gradients is split by index range among the workers: each clears
 * its slice of every gradient buffer before the step, and after the chunks each sums its slice
 * over the threads and hands it to the optimizer ({@link Optimizer#updateRange}) while it is
 * still in cache. Every value gets the same operations in the same order as on one thread, so
 * this changes no result; it only keeps the second core busy and reads the buffers once.
 *
 * <p>Packed weights ({@link #registerPackedWeights}): each worker packs its share of every
 * updated weight at the end of the update phase, once all workers have finished updating; weights
 * changed from outside (a checkpoint load, {@link Parameter#markChanged()}) are repacked at the
 * start of the next predict, loss or training step, found by comparing a few version counters.
 *
 * @param <W> the generated workspace type
 */
public abstract class AbstractModel<W extends AbstractModel.Workspace> implements Model {

    /** System property that sets the default thread count; otherwise all available processors. */
    public static final String THREADS_PROPERTY = "kiln.threads";

    /** Buffers of one thread for a chunk of up to {@link #capacity()} examples. */
    public abstract static class Workspace {
        private final int capacity;
        private final float[] input;

        /** Allocates the NHWC copy of the input unless the input has one channel (then CHW = HWC). */
        protected Workspace(int capacity, ModelInfo info) {
            this.capacity = capacity;
            this.input = info.inputChannels() == 1 ? null : new float[capacity * info.inputSize()];
        }

        public final int capacity() {
            return capacity;
        }

        /** The chunk's input converted to NHWC; null when the input has one channel. */
        final float[] nhwcInput() {
            return input;
        }

        /** The last layer's output, {@code capacity * classes} values. */
        protected abstract float[] logits();

        /** The gradient of the loss with respect to {@link #logits()}. */
        protected abstract float[] dLogits();
    }

    /** The kernels every layer calls; fixed for the model's life. */
    protected final Kernels kernels;
    private final ModelInfo info;
    private List<Parameter> parameters = List.of();
    private PackedWeight[] packedWeights = new PackedWeight[0];
    private long seed;
    private long step;
    private int lastCorrect;

    private WorkerPool pool;
    private Workspace[] workspaces = new Workspace[0];
    private W single;
    /** [thread][parameter]; thread 0's buffers are the parameters' own gradients. Null until training. */
    private float[][][] threadGrads;
    /** Whether the buffers of threads 1.. are all zero: the reduction clears them; a failed step may not have. */
    private boolean workerGradsZero = true;
    /** This step clears the buffers of every thread, not only thread 0's (set when {@link #workerGradsZero} was false). */
    private boolean clearEveryThread;
    /** Workers that have cleared their slice of the gradient buffers in this step; backward waits for all. */
    private final AtomicInteger clearedSlices = new AtomicInteger();
    /** Workers that have finished their slice of the optimizer update; packing waits for all. */
    private final AtomicInteger updatedSlices = new AtomicInteger();
    private double[] chunkLoss;
    private int[] chunkCorrect;

    // The call in progress, read by the tasks below (fields, so the tasks are allocated once).
    private float[] batchImages;
    private int[] batchLabels;
    private int batchCount;
    private float[] batchOut;
    private Optimizer batchOptimizer;
    private final WorkerPool.Task trainTask = this::trainChunk;
    private final WorkerPool.Task lossTask = this::lossChunk;
    private final WorkerPool.Task predictTask = this::predictChunk;
    private final WorkerPool.Task reduceTask = this::reduceSlice;
    private final WorkerPool.Task reduceAndUpdateTask = this::reduceAndUpdateSlice;
    private final WorkerPool.Task packTask = this::packStaleShare;

    /**
     * Values per piece of the fused reduction and update: the gradient, weight and optimizer
     * slots of one piece (5 x 16 KB for Adam on 2 threads) stay in L2 between the two passes.
     */
    private static final int UPDATE_BLOCK = 4096;

    protected AbstractModel(ModelInfo info, long seed, int threads, Kernels kernels) {
        this.info = Objects.requireNonNull(info);
        this.kernels = Objects.requireNonNull(kernels);
        this.seed = seed;
        setThreads(threads);
    }

    /** The thread count models use unless told otherwise: {@value #THREADS_PROPERTY}, else all processors. */
    public static int defaultThreads() {
        String property = System.getProperty(THREADS_PROPERTY);
        if (property != null && !property.isBlank()) {
            try {
                int threads = Integer.parseInt(property.trim());
                if (threads >= 1) {
                    return threads;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the processor count
            }
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " must be a positive integer, got \"" + property + "\"");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    // ---- what the generated subclass supplies ----

    /** Called once by the subclass's constructor, in layer order. */
    protected final void registerParameters(Parameter... parameters) {
        this.parameters = List.of(parameters);
        threadGrads = null;
    }

    /**
     * Called once by the subclass's constructor after the weights are initialised: buffers the
     * forward and backward passes read instead of the plain weights. Packs them now; from then on
     * the model keeps them current.
     */
    protected final void registerPackedWeights(PackedWeight... packed) {
        this.packedWeights = packed.clone();
        refreshPackedWeights();
    }

    /** A workspace for chunks of up to {@code capacity} examples. */
    protected abstract W newWorkspace(int capacity);

    /**
     * Forward pass of {@code rows} examples read from {@code x} at {@code xOff} (NHWC), writing
     * {@code ws.logits()}. {@code first} is the index of the first row in the batch (for dropout).
     */
    protected abstract void forward(W ws, float[] x, int xOff, int rows, int first, boolean training);

    /**
     * Backward pass of the chunk the last training {@link #forward} computed, from
     * {@code ws.dLogits()}; accumulates into {@code grads} (indexed like {@link #parameters()}).
     */
    protected abstract void backward(W ws, float[] x, int xOff, int rows, int first, float[][] grads);

    // ---- Model ----

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public String architecture() {
        return info.architecture();
    }

    @Override
    public String summary() {
        return info.summary();
    }

    @Override
    public int inputChannels() {
        return info.inputChannels();
    }

    @Override
    public int inputHeight() {
        return info.inputHeight();
    }

    @Override
    public int inputWidth() {
        return info.inputWidth();
    }

    @Override
    public int classes() {
        return info.classes();
    }

    @Override
    public long forwardFlops() {
        return info.forwardFlops();
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public void setStep(long step) {
        this.step = step;
    }

    @Override
    public long seed() {
        return seed;
    }

    /** Changes the dropout stream from now on; the weights stay as they are. */
    @Override
    public void setSeed(long seed) {
        this.seed = seed;
    }

    @Override
    public int threads() {
        return pool.size();
    }

    @Override
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (pool != null && pool.size() == threads) {
            return;
        }
        if (pool != null) {
            pool.close();
        }
        pool = new WorkerPool(threads);
        workspaces = new Workspace[0];
        chunkLoss = new double[threads];
        chunkCorrect = new int[threads];
        threadGrads = null;
    }

    /** The kernels in use: "scalar" or "vector(...)". */
    public Kernels kernels() {
        return kernels;
    }

    /** Ids of the worker threads other than the caller's, for allocation measurements. */
    public long[] workerThreadIds() {
        return pool.threadIds();
    }

    @Override
    public int lastBatchCorrect() {
        return lastCorrect;
    }

    @Override
    public float[] predict(float[] image) {
        float[] probabilities = new float[classes()];
        predict(image, probabilities);
        return probabilities;
    }

    @Override
    public void predict(float[] image, float[] probabilities) {
        checkImages(image, 1);
        if (probabilities.length < classes()) {
            throw new IllegalArgumentException("probabilities has " + probabilities.length + " values for " + classes() + " classes");
        }
        if (single == null) {
            single = newWorkspace(1);
        }
        refreshPackedWeights();
        float[] x = image;
        if (info.inputChannels() != 1) {
            Layouts.chwToHwc(image, 0, single.nhwcInput(), 0, 1, inputChannels(), inputHeight(), inputWidth());
            x = single.nhwcInput();
        }
        forward(single, x, 0, 1, 0, false);
        SoftmaxCrossEntropy.probabilities(single.logits(), 1, classes(), probabilities, 0);
    }

    @Override
    public void predictBatch(float[] images, int count, float[] probabilities) {
        checkImages(images, count);
        if (probabilities.length < (long) count * classes()) {
            throw new IllegalArgumentException("probabilities has " + probabilities.length + " values for "
                    + count + " x " + classes() + " classes");
        }
        refreshPackedWeights();
        begin(images, null, count);
        batchOut = probabilities;
        try {
            pool.run(predictTask);
        } finally {
            end();
        }
    }

    @Override
    public float trainStep(float[] images, int[] labels, int count, Optimizer optimizer) {
        checkImages(images, count);
        checkLabels(labels, count);
        if (threadGrads == null) {
            allocateThreadGradients();
        }
        refreshPackedWeights();
        begin(images, labels, count);
        double loss;
        try {
            clearEveryThread = !workerGradsZero;
            workerGradsZero = false;
            clearedSlices.set(0);
            pool.run(trainTask);
            loss = finishLoss(count);            // before the update: the L2 term reads the weights the loss saw
            markTrainableChanged();              // from here on their packed copies are stale
            if (pool.size() == 1) {
                optimizer.step(parameters);
                packStale(0, 1);
            } else if (optimizer.beginStep(parameters)) {
                batchOptimizer = optimizer;
                updatedSlices.set(0);
                pool.run(reduceAndUpdateTask);   // packs too, after the update
            } else {
                pool.run(reduceTask);
                optimizer.step(parameters);
                pool.run(packTask);
            }
            markPacked();
            workerGradsZero = true;
        } finally {
            end();
        }
        step++;
        return (float) loss;
    }

    @Override
    public float loss(float[] images, int[] labels, int count) {
        checkImages(images, count);
        checkLabels(labels, count);
        refreshPackedWeights();
        begin(images, labels, count);
        try {
            pool.run(lossTask);
        } finally {
            end();
        }
        return (float) finishLoss(count);
    }

    /** Sum of l2 * sum(w^2) / 2 over the parameters, in double, in parameter order. */
    public double l2Term() {
        double total = 0;
        for (int i = 0; i < parameters.size(); i++) {     // indexed: no iterator in a training step
            Parameter p = parameters.get(i);
            if (p.l2() != 0f) {
                double squares = 0;
                float[] values = p.value();
                for (int k = 0; k < values.length; k++) {
                    squares += (double) values[k] * values[k];
                }
                total += p.l2() * squares / 2;
            }
        }
        return total;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return name() + " (" + kernels.name() + ", " + threads() + " threads)";
    }

    // ---- the per-thread work ----

    private void trainChunk(int worker) {
        float[][] grads = threadGrads[worker];
        try {
            clearGradientSlice(worker);
        } finally {
            clearedSlices.incrementAndGet();
        }
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        chunkLoss[worker] = 0;
        chunkCorrect[worker] = 0;
        if (rows == 0) {
            return;
        }
        W ws = workspace(worker);
        float[] x = chunkInput(ws, from, rows);
        int xOff = x == batchImages ? from * info.inputSize() : 0;
        forward(ws, x, xOff, rows, from, true);
        chunkCorrect[worker] = Predictions.correct(ws.logits(), rows, classes(), batchLabels, from);
        chunkLoss[worker] = SoftmaxCrossEntropy.lossAndGradient(
                ws.logits(), rows, classes(), batchLabels, from, 1f / batchCount, ws.dLogits());
        awaitClearedGradients();
        backward(ws, x, xOff, rows, from, grads);
    }

    private void lossChunk(int worker) {
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        chunkLoss[worker] = 0;
        chunkCorrect[worker] = 0;
        if (rows == 0) {
            return;
        }
        W ws = workspace(worker);
        float[] x = chunkInput(ws, from, rows);
        forward(ws, x, x == batchImages ? from * info.inputSize() : 0, rows, from, false);
        chunkCorrect[worker] = Predictions.correct(ws.logits(), rows, classes(), batchLabels, from);
        chunkLoss[worker] = SoftmaxCrossEntropy.loss(ws.logits(), rows, classes(), batchLabels, from);
    }

    private void predictChunk(int worker) {
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        if (rows == 0) {
            return;
        }
        W ws = workspace(worker);
        float[] x = chunkInput(ws, from, rows);
        forward(ws, x, x == batchImages ? from * info.inputSize() : 0, rows, from, false);
        SoftmaxCrossEntropy.probabilities(ws.logits(), rows, classes(), batchOut, from * classes());
    }

    /**
     * Zeroes this worker's slice of thread 0's buffers (the parameters' gradients, which hold the
     * last step's gradient until now) and, after a failed step, of the other threads' buffers.
     */
    private void clearGradientSlice(int worker) {
        int workers = pool.size();
        for (int p = 0; p < parameters.size(); p++) {
            if (!parameters.get(p).trainable()) {
                continue;
            }
            int length = threadGrads[0][p].length;
            int from = sliceStart(length, worker, workers), to = sliceStart(length, worker + 1, workers);
            for (int t = 0; t < (clearEveryThread ? workers : 1); t++) {
                Arrays.fill(threadGrads[t][p], from, to, 0f);
            }
        }
    }

    /** Waits until every worker has cleared its slice; they do so first thing, so this rarely spins. */
    private void awaitClearedGradients() {
        awaitAllWorkers(clearedSlices);
    }

    /** Waits until {@code done} counts every worker. */
    private void awaitAllWorkers(AtomicInteger done) {
        for (int spin = 0; done.get() < pool.size(); spin++) {
            if ((spin & 1023) == 1023) {
                Thread.yield();                   // a worker may not be scheduled yet on a busy machine
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Sums this worker's slice of every gradient over the threads, for an optimizer that updates whole steps. */
    private void reduceSlice(int worker) {
        int workers = pool.size();
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).trainable()) {
                int length = threadGrads[0][p].length;
                addWorkerGradients(p, sliceStart(length, worker, workers), sliceStart(length, worker + 1, workers));
            }
        }
    }

    /**
     * Sums this worker's slice of every gradient over the threads and updates it, piece by piece;
     * then, once every worker's update is complete, packs this worker's share of the updated weights.
     */
    private void reduceAndUpdateSlice(int worker) {
        int workers = pool.size();
        try {
            for (int p = 0; p < parameters.size(); p++) {
                Parameter parameter = parameters.get(p);
                if (!parameter.trainable()) {
                    continue;
                }
                int length = threadGrads[0][p].length;
                int to = sliceStart(length, worker + 1, workers);
                for (int from = sliceStart(length, worker, workers); from < to; from += UPDATE_BLOCK) {
                    int end = Math.min(from + UPDATE_BLOCK, to);
                    addWorkerGradients(p, from, end);
                    batchOptimizer.updateRange(parameter, from, end);
                }
            }
        } finally {
            updatedSlices.incrementAndGet();
        }
        awaitAllWorkers(updatedSlices);
        packStale(worker, workers);
    }

    private void packStaleShare(int worker) {
        packStale(worker, pool.size());
    }

    /** Packs share {@code part} of {@code parts} of every packed weight whose weight changed. */
    private void packStale(int part, int parts) {
        for (PackedWeight packed : packedWeights) {
            if (packed.stale()) {
                packed.pack(part, parts);
            }
        }
    }

    /** Repacks what changed since it was last packed (on the pool when there is more than one thread). */
    private void refreshPackedWeights() {
        boolean anyStale = false;
        for (PackedWeight packed : packedWeights) {
            anyStale |= packed.stale();
        }
        if (!anyStale) {
            return;
        }
        if (pool.size() == 1) {
            packStale(0, 1);
        } else {
            pool.run(packTask);
        }
        markPacked();
    }

    /** After every share of every stale packed weight is packed: they are current now. */
    private void markPacked() {
        for (PackedWeight packed : packedWeights) {
            packed.markPacked();
        }
    }

    /** The optimizer is about to write every trainable weight. */
    private void markTrainableChanged() {
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).trainable()) {
                parameters.get(p).markChanged();
            }
        }
    }

    /**
     * Adds threads 1.. into thread 0's buffer (the parameter's gradient) over [from, to), in
     * thread order, and zeroes what it added so those buffers start the next step cleared.
     */
    private void addWorkerGradients(int p, int from, int to) {
        float[] total = threadGrads[0][p];
        for (int t = 1; t < threadGrads.length; t++) {
            float[] part = threadGrads[t][p];
            for (int i = from; i < to; i++) {
                total[i] += part[i];
                part[i] = 0f;
            }
        }
    }

    // ---- helpers ----

    private int chunkStart(int worker) {
        return sliceStart(batchCount, worker, pool.size());
    }

    /** Where part {@code part} of {@code parts} of {@code length} items starts; part {@code parts} gives the end. */
    private static int sliceStart(int length, int part, int parts) {
        return (int) ((long) length * part / parts);
    }

    /** The chunk's input in NHWC: the caller's array itself when there is one channel. */
    private float[] chunkInput(W ws, int from, int rows) {
        if (ws.nhwcInput() == null) {
            return batchImages;
        }
        Layouts.chwToHwc(batchImages, from * info.inputSize(), ws.nhwcInput(), 0, rows,
                inputChannels(), inputHeight(), inputWidth());
        return ws.nhwcInput();
    }

    @SuppressWarnings("unchecked")
    private W workspace(int worker) {
        return (W) workspaces[worker];
    }

    private void begin(float[] images, int[] labels, int count) {
        int threads = pool.size();
        int largestChunk = (count + threads - 1) / threads;
        if (workspaces.length != threads || workspaces[0].capacity() < largestChunk) {
            Workspace[] fresh = new Workspace[threads];
            for (int t = 0; t < threads; t++) {
                fresh[t] = newWorkspace(largestChunk);
            }
            workspaces = fresh;
        }
        batchImages = images;
        batchLabels = labels;
        batchCount = count;
    }

    /** Drops references to the caller's arrays so the model does not keep them alive. */
    private void end() {
        batchImages = null;
        batchLabels = null;
        batchOut = null;
        batchOptimizer = null;
    }

    private double finishLoss(int count) {
        double sum = 0;
        int correct = 0;
        for (int t = 0; t < chunkLoss.length; t++) {
            sum += chunkLoss[t];
            correct += chunkCorrect[t];
        }
        lastCorrect = correct;
        return sum / count + l2Term();
    }

    /** On the first training step: a model used only for inference never holds the extra copies. */
    private void allocateThreadGradients() {
        int threads = pool.size();
        threadGrads = new float[threads][parameters.size()][];
        workerGradsZero = true;
        for (int p = 0; p < parameters.size(); p++) {
            Parameter parameter = parameters.get(p);
            threadGrads[0][p] = parameter.grad();
            for (int t = 1; t < threads; t++) {
                threadGrads[t][p] = parameter.trainable() ? new float[parameter.size()] : parameter.grad();
            }
        }
    }

    private void checkImages(float[] images, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (images.length < (long) count * info.inputSize()) {
            throw new IllegalArgumentException("images has " + images.length + " values, fewer than " + count
                    + " images of " + inputChannels() + "x" + inputHeight() + "x" + inputWidth());
        }
    }

    private void checkLabels(int[] labels, int count) {
        if (labels.length < count) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + count + " images");
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classes()) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i
                        + " is outside [0, " + classes() + ")");
            }
        }
    }
}
