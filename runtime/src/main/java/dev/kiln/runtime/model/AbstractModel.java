package dev.kiln.runtime.model;

import dev.kiln.dsl.Activation;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.optim.Optimizer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything a generated model does that does not depend on its layers: the public API, the
 * split of a batch into per-thread chunks, workspaces, softmax cross-entropy, the L2 terms of the
 * loss, the optimizer call, and the conversion of images from the public (C, H, W) layout to NHWC.
 * The concurrency lives in small classes of its own: {@link WorkerPool} (the model's threads),
 * {@link ThreadGradients} (per-thread gradients: clear, reduce in thread order, update),
 * {@link PackedWeights} (which packed copies are stale), {@link WeightGuard} (who may read or
 * change the weights) and {@link WorkspacePool} (buffers for predictions on callers' threads).
 *
 * <p>A generated subclass supplies its constants, its parameters ({@link #registerParameters}),
 * a {@link Workspace} with one buffer per layer output, and the forward and backward passes of
 * one chunk of examples.
 *
 * <p>Determinism: chunk {@code t} of a batch of {@code n} examples on {@code T} threads is
 * examples {@code [t*n/T, (t+1)*n/T)}; each thread accumulates its gradients separately and the
 * sums are added in thread order, so a seed and a thread count give bit-identical results. (A large
 * dense layer's weight gradient is summed over the whole batch at once, by all threads together:
 * {@link SharedDenseGradient}.)
 * Dropout masks depend on the example's index in the batch, not on its thread.
 *
 * <p>Threads. Every inference call ({@link #predict}, {@link #predictBatch}, {@link #accuracy})
 * may come from any number of threads at once and gives bit for bit the answer it gives alone:
 * <ul>
 *   <li>{@code predict} runs on its caller's thread in a workspace lent to it alone by a
 *       {@link WorkspacePool}; once warm it allocates nothing and waits for no other prediction.
 *   <li>{@code predictBatch} runs on the model's worker pool when the pool is free. When it is
 *       busy (another batch, a training step) the same chunks run one after another on the
 *       caller's thread instead of waiting: the answer is the same bits (the chunks, not the
 *       threads, decide the arithmetic), a batch never waits behind a training step, and no
 *       caller can be stuck on a pool another caller holds.
 *   <li>The weights are read under a shared hold and changed under an exclusive one
 *       ({@link WeightGuard}): a training step's forward and backward passes run alongside
 *       predictions, its optimizer update waits until they are done and keeps new ones out until
 *       the weights are updated and repacked. So a prediction during training answers with the
 *       weights before or after a step, never a mix. Weights written from outside (a checkpoint
 *       load) go through {@link #changeWeights} for the same guarantee.
 *   <li>Training-side calls ({@link #trainStep}, {@link #loss}, {@link #setThreads},
 *       {@link #close}) hold the worker pool and so run one at a time.
 * </ul>
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

        /**
         * The array that holds layer {@code layer}'s output (its index in {@link ModelInfo#layers()})
         * after an inference forward pass, NHWC per example.
         */
        protected abstract float[] layerOutput(int layer);
    }

    /** The kernels every layer calls; fixed for the model's life. */
    protected final Kernels kernels;
    private final ModelInfo info;
    private List<Parameter> parameters = List.of();
    private long seed;
    private long step;
    private int lastCorrect;

    private final WeightGuard weights = new WeightGuard(this::repackStale);
    private final WorkspacePool<W> callerWorkspaces = new WorkspacePool<>(this::newWorkspace);
    /** Held by whoever runs tasks on {@link #pool} (and so owns the fields of the call in progress below). */
    private final ReentrantLock poolLock = new ReentrantLock();
    private volatile WorkerPool pool;
    /** One per worker of {@link #pool}, used only while holding {@link #poolLock}. */
    private Workspace[] poolWorkspaces = new Workspace[0];
    /** Null until the first training step: a model used only for inference never holds the extra copies. */
    private ThreadGradients gradients;
    private double[] chunkLoss;
    private int[] chunkCorrect;

    // The pool call in progress, read by the tasks below (fields, so the tasks are allocated once).
    private float[] batchImages;
    private int[] batchLabels;
    private int batchCount;
    private float[] batchOut;
    private Optimizer batchOptimizer;
    /** {@link #setGradientsKept}; read by the next step's update. */
    private volatile boolean gradientsKept;
    private final WorkerPool.Task trainTask = this::trainChunk;
    private final WorkerPool.Task lossTask = this::lossChunk;
    private final WorkerPool.Task predictTask = this::predictChunk;
    private final WorkerPool.Task reduceTask = worker -> gradients.reduceSlice(worker);
    private final WorkerPool.Task reduceAndUpdateTask =
            worker -> gradients.reduceAndUpdateSlice(worker, batchOptimizer, weights.packed());
    private final WorkerPool.Task packTask = worker -> weights.packed().packStale(worker, pool.size());

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
        gradients = null;
    }

    /**
     * Called once by the subclass's constructor after the weights are initialised: buffers the
     * forward and backward passes read instead of the plain weights. Packs them now; from then on
     * the model keeps them current.
     */
    protected final void registerPackedWeights(PackedWeight... packed) {
        weights.setPacked(new PackedWeights(packed));
        weights.endWrite(weights.beginWrite());       // ending a write packs whatever is stale: all of them
    }

    /** A workspace for chunks of up to {@code capacity} examples. */
    protected abstract W newWorkspace(int capacity);

    /**
     * Forward pass of {@code rows} examples read from {@code x} at {@code xOff} (NHWC), writing
     * {@code ws.logits()}. {@code first} is the index of the first row in the batch (for dropout).
     * Reads the weights and writes only {@code ws}, so calls on different workspaces may run at once.
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
    public List<LayerInfo> layers() {
        return info.layers();
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

    /** Takes effect from the next training step; a step in progress finishes as it began. */
    @Override
    public void setGradientsKept(boolean kept) {
        gradientsKept = kept;
    }

    @Override
    public boolean gradientsKept() {
        return gradientsKept;
    }

    /** Waits for a training call or batch running on the pool to finish, then replaces the pool. */
    @Override
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        poolLock.lock();
        try {
            if (pool != null && pool.size() == threads) {
                return;
            }
            if (pool != null) {
                pool.close();
            }
            poolWorkspaces = new Workspace[0];
            chunkLoss = new double[threads];
            chunkCorrect = new int[threads];
            gradients = null;
            pool = new WorkerPool(threads);
        } finally {
            poolLock.unlock();
        }
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
        W ws = callerWorkspaces.acquire(1);
        long hold = weights.beginRead(true);
        try {
            predictRows(ws, image, 0, 1, probabilities);
        } finally {
            weights.endRead(hold);
            callerWorkspaces.release(ws);
        }
    }

    @Override
    public void predictBatch(float[] images, int count, float[] probabilities) {
        checkImages(images, count);
        if (probabilities.length < (long) count * classes()) {
            throw new IllegalArgumentException("probabilities has " + probabilities.length + " values for "
                    + count + " x " + classes() + " classes");
        }
        long hold = weights.beginRead(true);
        try {
            if (poolLock.tryLock()) {
                try {
                    predictOnPool(images, count, probabilities);
                } finally {
                    poolLock.unlock();
                }
            } else {
                predictOnCaller(images, count, probabilities);
            }
        } finally {
            weights.endRead(hold);
        }
    }

    /**
     * Runs the inference pass on one image, as {@link #predict} does (on the caller's thread, in a
     * lent workspace, under a shared hold of the weights), and copies out the named layer's output.
     */
    @Override
    public float[] activations(float[] image, String layer) {
        checkImages(image, 1);
        int index = layerIndex(layer);
        LayerInfo described = info.layers().get(index);
        float[] chw = new float[described.outputSize()];
        W ws = callerWorkspaces.acquire(1);
        long hold = weights.beginRead(true);
        try {
            float[] x = chunkInput(ws, image, 0, 1);
            forward(ws, x, 0, 1, 0, false);
            Layouts.hwcToChw(ws.layerOutput(index), 0, chw, 0, 1, described.channels(), described.height(), described.width());
        } finally {
            weights.endRead(hold);
            callerWorkspaces.release(ws);
        }
        return chw;
    }

    private int layerIndex(String layer) {
        List<LayerInfo> layers = info.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(layer)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name() + " has no layer \"" + layer + "\"; its layers are "
                + layers.stream().map(LayerInfo::name).toList());
    }

    /**
     * Makes the workspaces of {@code threads} concurrent single-image predictions now (at most
     * 64 are kept): otherwise each is made the first time that many run at once, which under
     * load can be long after warm-up.
     */
    @Override
    public void reserveForConcurrentPredictions(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        callerWorkspaces.reserve(threads, 1);
    }

    /** Waits for predictions and training to finish reading the weights, runs {@code change}, repacks, lets them in again. */
    @Override
    public void changeWeights(Runnable change) {
        long hold = weights.beginWrite();
        try {
            change.run();
        } finally {
            weights.endWrite(hold);
        }
    }

    @Override
    public float trainStep(float[] images, int[] labels, int count, Optimizer optimizer) {
        checkImages(images, count);
        checkLabels(labels, count);
        poolLock.lock();
        try {
            if (gradients == null) {
                gradients = new ThreadGradients(parameters, pool.size(), weights.packed().denseCopies(), kernels);
            }
            begin(images, labels, count);
            double loss;
            long read = weights.beginRead(false);
            try {
                gradients.beginStep(count, gradientsKept);     // kept: the backward pass writes every gradient
                pool.run(trainTask);
                loss = finishLoss(count);        // before the update: the L2 term reads the weights the loss saw
            } finally {
                weights.endRead(read);
            }
            long write = weights.beginWrite();
            try {
                update(optimizer);
            } finally {
                weights.endWrite(write);         // repacks anything a failed update left stale
            }
            step++;
            return (float) loss;
        } finally {
            end();
            poolLock.unlock();
        }
    }

    @Override
    public float loss(float[] images, int[] labels, int count) {
        checkImages(images, count);
        checkLabels(labels, count);
        poolLock.lock();
        try {
            begin(images, labels, count);
            long read = weights.beginRead(true);
            try {
                pool.run(lossTask);
                return (float) finishLoss(count);
            } finally {
                weights.endRead(read);
            }
        } finally {
            end();
            poolLock.unlock();
        }
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

    /** Stops the worker threads once a training call or batch running on them is done. */
    @Override
    public void close() {
        poolLock.lock();
        try {
            pool.close();
        } finally {
            poolLock.unlock();
        }
    }

    @Override
    public String toString() {
        return name() + " (" + kernels.name() + ", " + threads() + " threads)";
    }

    // ---- inference ----

    private void predictOnPool(float[] images, int count, float[] probabilities) {
        begin(images, null, count);
        batchOut = probabilities;
        try {
            pool.run(predictTask);
        } finally {
            end();
        }
    }

    /** The chunks the pool would run, one after another in one lent workspace: the same bits. */
    private void predictOnCaller(float[] images, int count, float[] probabilities) {
        int threads = pool.size();
        W ws = callerWorkspaces.acquire(largestChunk(count, threads));
        try {
            for (int t = 0; t < threads; t++) {
                int from = ThreadGradients.sliceStart(count, t, threads);
                int rows = ThreadGradients.sliceStart(count, t + 1, threads) - from;
                if (rows > 0) {
                    predictRows(ws, images, from, rows, probabilities);
                }
            }
        } finally {
            callerWorkspaces.release(ws);
        }
    }

    /** Probabilities of images {@code [from, from + rows)} into their rows of {@code out}. */
    private void predictRows(W ws, float[] images, int from, int rows, float[] out) {
        float[] x = chunkInput(ws, images, from, rows);
        forward(ws, x, x == images ? from * info.inputSize() : 0, rows, from, false);
        SoftmaxCrossEntropy.probabilities(ws.logits(), rows, classes(), out, from * classes());
    }

    // ---- the per-thread work on the pool ----

    private void trainChunk(int worker) {
        try {
            trainChunkOrFail(worker);
        } catch (RuntimeException | Error e) {
            gradients.breakShared(e);            // the other workers must not wait for this one's rows
            throw e;
        }
    }

    private void trainChunkOrFail(int worker) {
        gradients.clearSlice(worker);
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        chunkLoss[worker] = 0;
        chunkCorrect[worker] = 0;
        if (rows == 0) {
            return;
        }
        W ws = poolWorkspace(worker);
        float[] x = chunkInput(ws, batchImages, from, rows);
        int xOff = x == batchImages ? from * info.inputSize() : 0;
        forward(ws, x, xOff, rows, from, true);
        chunkCorrect[worker] = Predictions.correct(ws.logits(), rows, classes(), batchLabels, from);
        chunkLoss[worker] = SoftmaxCrossEntropy.lossAndGradient(
                ws.logits(), rows, classes(), batchLabels, from, 1f / batchCount, ws.dLogits());
        gradients.awaitCleared();
        backward(ws, x, xOff, rows, from, gradients.of(worker));
        gradients.writeSharedGradients(from);
    }

    /**
     * A dense layer's forward pass over the chunk's rows [first, first + rows), called by the
     * generated forward pass in place of {@link Kernels#denseForwardPacked}. In a training step on
     * several workers, a large layer is computed by all of them together, each a share of its
     * columns over the whole batch ({@link SharedDenseForward}), with the bits the chunk's own call
     * gives; otherwise, and for predictions and losses, by the chunk alone.
     */
    protected final void denseForward(PackedWeight packed, boolean training, int rows, int first, int in, int out,
                                      Activation act, float[] x, int xOff, float[] b, float[] y, int yOff) {
        SharedDenseForward shared = training && kernels.splitsDenseForward() ? gradients.sharedForward(packed) : null;
        if (shared == null || !shared.splits()) {
            kernels.denseForwardPacked(rows, in, out, act, x, xOff, packed.values(), b, y, yOff);
            return;
        }
        shared.forward(kernels, rows, first, gradients.sharedPart(first), act, x, xOff, b, y, yOff);
    }

    /**
     * A dense layer's weight and bias gradients for the chunk's rows [first, first + rows), called
     * by the generated backward pass in place of {@link Kernels#denseBackwardWeights}. A large
     * layer's weight gradient is computed over the whole batch by all the workers together, one
     * part each, on one worker as on several ({@link SharedDenseGradient}): here the chunk only
     * hands over its rows, and each worker computes its part in the update, where the optimizer
     * applies it block by block, or, when gradients are kept, after its backward pass
     * ({@link ThreadGradients}). Otherwise, and for the bias, the chunk's gradient goes to this
     * worker's buffers.
     */
    protected final void denseWeightGradients(Parameter weight, int rows, int first, int in, int out,
                                              float[] x, int xOff, float[] dz, int dzOff, float[] dw, float[] db) {
        SharedDenseGradient shared = gradients.sharedGradient(weight);
        if (shared == null) {
            kernels.denseBackwardWeights(rows, in, out, x, xOff, dz, dzOff, dw, db);
            return;
        }
        kernels.denseBackwardBias(rows, out, dz, dzOff, db);
        shared.contribute(rows, first, x, xOff, dz, dzOff);
    }

    private void lossChunk(int worker) {
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        chunkLoss[worker] = 0;
        chunkCorrect[worker] = 0;
        if (rows == 0) {
            return;
        }
        W ws = poolWorkspace(worker);
        float[] x = chunkInput(ws, batchImages, from, rows);
        forward(ws, x, x == batchImages ? from * info.inputSize() : 0, rows, from, false);
        chunkCorrect[worker] = Predictions.correct(ws.logits(), rows, classes(), batchLabels, from);
        chunkLoss[worker] = SoftmaxCrossEntropy.loss(ws.logits(), rows, classes(), batchLabels, from);
    }

    private void predictChunk(int worker) {
        int from = chunkStart(worker), rows = chunkStart(worker + 1) - from;
        if (rows > 0) {
            predictRows(poolWorkspace(worker), batchImages, from, rows, batchOut);
        }
    }

    /**
     * The optimizer's update of every trainable weight and the repacking of their packed copies,
     * under the exclusive hold of the weights; sums the threads' gradients on the way, and computes
     * the large dense layers' weight gradients unless the backward pass wrote them (kept).
     */
    private void update(Optimizer optimizer) {
        markTrainableChanged();                  // from here on their packed copies are stale
        PackedWeights packed = weights.packed();
        // A pool of one runs its task on this thread, so one thread takes the same path as several.
        if (optimizer.beginStep(parameters)) {
            batchOptimizer = optimizer;
            gradients.markSharedGradients(false);
            pool.run(reduceAndUpdateTask);       // packs too: dense weights as they are updated, the rest after
        } else {
            gradients.markSharedGradients(true);
            pool.run(reduceTask);
            optimizer.step(parameters);
            pool.run(packTask);
        }
        packed.markPacked();
        gradients.endStep();
    }

    /**
     * Packs every stale packed weight, for {@link WeightGuard} while it holds the weights alone:
     * on the pool when it is free, otherwise on this thread (packing only moves values, so who packs
     * cannot change a result, and waiting for the pool could wait for a step that waits for us).
     */
    private void repackStale() {
        PackedWeights packed = weights.packed();
        boolean onPool = false;
        if (poolLock.tryLock()) {                // also when this thread's training step holds it
            try {
                if (pool.size() > 1 && !pool.isClosed()) {
                    pool.run(packTask);
                    onPool = true;
                }
            } finally {
                poolLock.unlock();
            }
        }
        if (!onPool) {
            packed.packStale(0, 1);
        }
        packed.markPacked();
    }

    /** The optimizer is about to write every trainable weight. */
    private void markTrainableChanged() {
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).trainable()) {
                parameters.get(p).markChanged();
            }
        }
    }

    // ---- helpers ----

    private int chunkStart(int worker) {
        return ThreadGradients.sliceStart(batchCount, worker, pool.size());
    }

    private static int largestChunk(int count, int threads) {
        return (count + threads - 1) / threads;
    }

    /** The rows' input in NHWC: the caller's array itself when there is one channel. */
    private float[] chunkInput(W ws, float[] images, int from, int rows) {
        if (ws.nhwcInput() == null) {
            return images;
        }
        Layouts.chwToHwc(images, from * info.inputSize(), ws.nhwcInput(), 0, rows,
                inputChannels(), inputHeight(), inputWidth());
        return ws.nhwcInput();
    }

    @SuppressWarnings("unchecked")
    private W poolWorkspace(int worker) {
        return (W) poolWorkspaces[worker];
    }

    /** Starts a call on the pool (holding {@link #poolLock}): workspaces big enough, the call's arrays. */
    private void begin(float[] images, int[] labels, int count) {
        int threads = pool.size();
        int largestChunk = largestChunk(count, threads);
        if (poolWorkspaces.length != threads || poolWorkspaces[0].capacity() < largestChunk) {
            Workspace[] fresh = new Workspace[threads];
            for (int t = 0; t < threads; t++) {
                fresh[t] = newWorkspace(largestChunk);
            }
            poolWorkspaces = fresh;
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
