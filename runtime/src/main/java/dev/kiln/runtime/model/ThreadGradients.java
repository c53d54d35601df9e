package dev.kiln.runtime.model;

import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-thread gradient protocol of a training step on a {@link WorkerPool}: each worker
 * accumulates its chunk's gradients in its own buffers, and the buffers are summed in thread
 * order, so a seed and a thread count give bit-identical results.
 *
 * <p>Element-wise work on the gradients is split by index range among the workers: each clears
 * its slice of every gradient buffer before the step ({@link #clearSlice}, and the backward pass
 * waits for all of them: {@link #awaitCleared}), and after the chunks each sums its slice over the
 * threads and hands it to the optimizer ({@link Optimizer#updateRange}) while it is still in cache
 * ({@link #reduceAndUpdateSlice}). Every value gets the same operations in the same order as on
 * one thread, so this changes no result; it only keeps the other cores busy and reads the buffers
 * once.
 *
 * <p>A large dense layer's weight gradient is not per thread: the chunks hand over their rows,
 * and the workers compute it together, each a slice of its rows over the whole batch
 * ({@link SharedDenseGradient}). By default in the update, a block of rows at a time, each applied
 * by the optimizer while it is in cache and never stored (or, for an optimizer that updates whole
 * steps, written whole by the reduction); when gradients are kept, at the end of the backward pass
 * into the parameter's gradient, as any other gradient, and the update only applies it. They
 * compute its forward pass together too, each a share of its columns ({@link SharedDenseForward}).
 *
 * <p>Used by one step at a time: the model holds its worker pool for the whole step.
 */
final class ThreadGradients {
    /**
     * Values per piece of the fused reduction and update: the gradient, weight and optimizer
     * slots of one piece (5 x 64 KB for Adam on 2 threads) stay in L2 between the two passes, and
     * so does a dense weight's piece for its packing. Pieces of 4096 values made tf-mnist's update
     * and packing of fc1 slower (2.5 ms a step on each of 2 threads against 2.2, AVX2; 2.3-2.5
     * against 2.1-2.3 at 512 bits): more, shorter streams, each one started anew.
     */
    private static final int UPDATE_BLOCK = 16384;

    private final List<Parameter> parameters;
    private final int workers;
    /** [thread][parameter]; thread 0's buffers are the parameters' own gradients. */
    private final float[][][] grads;
    /** Whether the buffers of threads 1.. are all zero: the reduction clears them; a failed step may not have. */
    private boolean workerGradsZero = true;
    /** This step clears the buffers of every thread, not only thread 0's (set when {@link #workerGradsZero} was false). */
    private boolean clearEveryThread;
    /** Workers that have cleared their slice in this step; backward waits for all. */
    private final SpinBarrier cleared = new SpinBarrier();
    /** Workers that have finished their slice of the optimizer update; packing waits for all. */
    private final SpinBarrier updated = new SpinBarrier();
    /** The dense weights whose gradient the workers compute together. */
    private final SharedDenseGradient[] shared;
    /** Each parameter's shared gradient, or null. */
    private final SharedDenseGradient[] sharedByParameter;
    /** The dense layers whose forward pass the workers compute together. */
    private final SharedDenseForward[] forwards;
    /** Examples of the current step. */
    private int batch;
    /** Whether this step's backward pass writes the shared gradients (gradients kept), or the update computes them. */
    private boolean sharedInBackward;

    /** With no shared dense layers. */
    ThreadGradients(List<Parameter> parameters, int workers) {
        this(parameters, workers, List.of(), null);
    }

    /**
     * Allocates the buffers of threads 1.. (frozen parameters share their own, which nothing
     * writes, and so do the dense weights of {@code denseCopies} that are worth sharing, whose
     * gradients {@code kernels} computes).
     */
    ThreadGradients(List<Parameter> parameters, int workers, List<PackedWeight.Dense> denseCopies, Kernels kernels) {
        this.parameters = parameters;
        this.workers = workers;
        List<SharedDenseGradient> sharing = new ArrayList<>();
        List<SharedDenseForward> sharedForwards = new ArrayList<>();
        for (PackedWeight.Dense copy : denseCopies) {
            SharedDenseForward forward = null;
            if (copy.weight().size() >= SharedDenseGradient.MIN_WEIGHTS) {
                forward = new SharedDenseForward(copy);
                sharedForwards.add(forward);
            }
            if (SharedDenseGradient.worthSharing(copy.weight())) {
                sharing.add(new SharedDenseGradient(copy.weight(), copy.rows(), copy.columns(), forward, kernels, workers));
            }
        }
        shared = sharing.toArray(new SharedDenseGradient[0]);
        forwards = sharedForwards.toArray(new SharedDenseForward[0]);
        sharedByParameter = new SharedDenseGradient[parameters.size()];
        grads = new float[workers][parameters.size()][];
        for (int p = 0; p < parameters.size(); p++) {
            Parameter parameter = parameters.get(p);
            sharedByParameter[p] = sharedGradient(parameter);
            grads[0][p] = parameter.gradBuffer();
            for (int t = 1; t < workers; t++) {
                grads[t][p] = parameter.trainable() && sharedByParameter[p] == null ? new float[parameter.size()] : parameter.gradBuffer();
            }
        }
    }

    int workers() {
        return workers;
    }

    /** Worker {@code worker}'s buffers, indexed like the parameters. */
    float[][] of(int worker) {
        return grads[worker];
    }

    /** {@link #beginStep(int, boolean)} with the shared gradients computed in the update. */
    void beginStep(int batch) {
        beginStep(batch, false);
    }

    /**
     * On the calling thread, before the step's task starts; {@code batch} examples. With
     * {@code sharedInBackward} the backward pass writes the shared dense gradients
     * ({@link #writeSharedGradients}) and the update only applies them.
     */
    void beginStep(int batch, boolean sharedInBackward) {
        this.batch = batch;
        this.sharedInBackward = sharedInBackward;
        clearEveryThread = !workerGradsZero;
        workerGradsZero = false;
        cleared.reset();
        updated.reset();
        for (SharedDenseGradient layer : shared) {
            layer.beginStep(batch, Math.min(batch, workers));     // a batch smaller than the pool leaves workers idle
        }
        for (SharedDenseForward layer : forwards) {
            layer.beginStep(batch, Math.min(batch, workers));
        }
    }

    /** The shared forward pass of the dense layer packed in {@code packed}, or null when each chunk runs it alone. */
    SharedDenseForward sharedForward(PackedWeight packed) {
        for (SharedDenseForward layer : forwards) {
            if (layer.packed() == packed) {
                return layer;
            }
        }
        return null;
    }

    /** The shared weight gradient of {@code weight}, or null when each worker computes its own. */
    SharedDenseGradient sharedGradient(Parameter weight) {
        for (SharedDenseGradient layer : shared) {
            if (layer.weight() == weight) {
                return layer;
            }
        }
        return null;
    }

    /**
     * Which part of a shared gradient the chunk starting at example {@code first} computes: its
     * rank among the chunks that have examples (with fewer examples than workers, some have none).
     */
    int sharedPart(int first) {
        int part = 0;
        for (int t = 0; t < workers; t++) {
            int start = sliceStart(batch, t, workers);
            if (start >= first) {
                break;
            }
            if (sliceStart(batch, t + 1, workers) > start) {
                part++;
            }
        }
        return part;
    }

    /**
     * When this step's backward pass writes the shared gradients: the part of each for the worker
     * whose chunk starts at example {@code first}, after its backward pass handed over its rows.
     */
    void writeSharedGradients(int first) {
        if (!sharedInBackward) {
            return;
        }
        int part = sharedPart(first);
        for (SharedDenseGradient layer : shared) {
            layer.writeRowsOnceGathered(part);
        }
    }

    /** A worker failed: no other waits for it at a shared gradient or forward pass. */
    void breakShared(Throwable cause) {
        for (SharedDenseGradient layer : shared) {
            layer.breakWith(cause);
        }
        for (SharedDenseForward layer : forwards) {
            layer.breakWith(cause);
        }
    }

    /**
     * Zeroes this worker's slice of thread 0's buffers (the parameters' gradients, which hold the
     * last step's gradient until now) and, after a failed step, of the other threads' buffers.
     * Each worker calls it first thing, and counts as cleared even if it fails.
     */
    void clearSlice(int worker) {
        try {
            for (int p = 0; p < parameters.size(); p++) {
                if (!parameters.get(p).trainable() || sharedByParameter[p] != null) {
                    continue;                   // a shared gradient is written whole, not added to
                }
                int length = grads[0][p].length;
                int from = sliceStart(length, worker, workers), to = sliceStart(length, worker + 1, workers);
                for (int t = 0; t < (clearEveryThread ? workers : 1); t++) {
                    Arrays.fill(grads[t][p], from, to, 0f);
                }
            }
        } finally {
            cleared.arrive();
        }
    }

    /** Waits until every worker has cleared its slice; they do so first thing, so this rarely spins. */
    void awaitCleared() {
        cleared.await(workers);
    }

    /**
     * Before the update's tasks, on the calling thread: marks whether this step leaves the shared
     * dense weights' gradients in their parameters: when the backward pass wrote them, or with
     * {@code wholeSteps} (an optimizer that updates whole steps: {@link #reduceSlice} writes them);
     * otherwise {@link #reduceAndUpdateSlice} applies them block by block without storing them, and
     * {@link Parameter#grad()} refuses.
     */
    void markSharedGradients(boolean wholeSteps) {
        for (SharedDenseGradient layer : shared) {
            layer.weight().setGradientKept(sharedInBackward || wholeSteps);
        }
    }

    /**
     * Sums this worker's slice of every gradient over the threads, and writes its slice of the rows
     * of every shared dense weight's unless the backward pass did, for an optimizer that updates
     * whole steps.
     */
    void reduceSlice(int worker) {
        for (int p = 0; p < parameters.size(); p++) {
            SharedDenseGradient layer = sharedByParameter[p];
            if (layer != null) {
                if (sharedInBackward) {
                    continue;
                }
                int rows = layer.rows();
                layer.writeRows(sliceStart(rows, worker, workers), sliceStart(rows, worker + 1, workers));
            } else if (parameters.get(p).trainable()) {
                int length = grads[0][p].length;
                addWorkerGradients(p, sliceStart(length, worker, workers), sliceStart(length, worker + 1, workers));
            }
        }
    }

    /**
     * Sums this worker's slice of every gradient over the threads and updates it by
     * {@code optimizer}, piece by piece; then, once every worker's update is complete, packs this
     * worker's share of the updated weights. A dense layer's weight is sliced and cut into pieces
     * by whole rows, and each piece is packed right after its update, while it is in cache: a
     * separate packing pass read tf-mnist's 12.8 MB fc1 weight once more per step. A shared dense
     * weight's gradient is computed piece by piece here ({@link #updateSharedRows}) unless the
     * backward pass wrote it.
     */
    void reduceAndUpdateSlice(int worker, Optimizer optimizer, PackedWeights packed) {
        try {
            for (int p = 0; p < parameters.size(); p++) {
                Parameter parameter = parameters.get(p);
                if (!parameter.trainable()) {
                    continue;
                }
                PackedWeight.Dense copy = packed.packedByRows(parameter);
                if (sharedByParameter[p] != null && !sharedInBackward) {
                    updateSharedRows(worker, sharedByParameter[p], optimizer, copy);
                    continue;
                }
                if (copy != null) {
                    updateAndPackRows(worker, p, optimizer, copy);
                    continue;
                }
                int length = grads[0][p].length;
                int to = sliceStart(length, worker + 1, workers);
                for (int from = sliceStart(length, worker, workers); from < to; from += UPDATE_BLOCK) {
                    int end = Math.min(from + UPDATE_BLOCK, to);
                    addWorkerGradients(p, from, end);
                    optimizer.updateRange(parameter, from, end);
                }
            }
        } finally {
            updated.arrive();
        }
        updated.await(workers);
        packed.packStaleNotPackedByRows(worker, workers);
    }

    /** This worker's slice of the rows of parameter p, a dense weight: summed, updated and packed, about UPDATE_BLOCK values at a time. */
    private void updateAndPackRows(int worker, int p, Optimizer optimizer, PackedWeight.Dense copy) {
        Parameter parameter = parameters.get(p);
        int rows = copy.rows(), rowLength = parameter.size() / rows;
        int piece = Math.max(1, UPDATE_BLOCK / rowLength);
        int last = sliceStart(rows, worker + 1, workers);
        for (int row = sliceStart(rows, worker, workers); row < last; row += piece) {
            int end = Math.min(row + piece, last);
            addWorkerGradients(p, row * rowLength, end * rowLength);
            optimizer.updateRange(parameter, row * rowLength, end * rowLength);
            copy.packRows(row, end);
        }
    }

    /**
     * This worker's slice of the rows of a shared dense weight: its gradient over the whole batch
     * computed a block of rows at a time, each block applied by the optimizer at once and then the
     * rows packed, all while in cache, instead of the backward pass writing the whole gradient (12.8
     * MB for tf-mnist's fc1) and this update reading it back. Against that (the same bits; both
     * builds in one JVM, in turns, AVX-512 Zen 4) a whole step took 2-3% less time for tf-mnist on 1
     * and 2 threads, 5% for lenet-like, 1-2% for emotion and tf-16-36 on 2. Storing each block in
     * the parameter's gradient too, to keep it, cost 1-2% of a step; keeping it, the backward pass
     * writes it instead, as before, and the update holds the weights alone for less time.
     */
    private void updateSharedRows(int worker, SharedDenseGradient layer, Optimizer optimizer, PackedWeight.Dense copy) {
        Parameter parameter = layer.weight();
        int rowLength = layer.rowLength(), rows = layer.rows();
        int blockRows = layer.blockRows();
        int piece = blockRows * Math.max(1, UPDATE_BLOCK / (blockRows * rowLength));
        int first = sliceStart(rows, worker, workers), last = sliceStart(rows, worker + 1, workers);
        if (first < last) {
            layer.prepareBlocks(worker);
        }
        for (int row = first; row < last; row += piece) {
            int end = Math.min(row + piece, last);
            optimizer.updateRange(parameter, row * rowLength, end * rowLength, layer.block(worker, row, end), 0);
            if (copy != null) {
                copy.packRows(row, end);
            }
        }
    }

    /** After a step whose reduction completed: the buffers of threads 1.. are zero again. */
    void endStep() {
        workerGradsZero = true;
    }

    /**
     * Adds threads 1.. into thread 0's buffer (the parameter's gradient) over [from, to), in
     * thread order, and zeroes what it added so those buffers start the next step cleared.
     */
    private void addWorkerGradients(int p, int from, int to) {
        if (sharedByParameter[p] != null) {
            return;                             // already the whole batch's, in the parameter's own buffer
        }
        float[] total = grads[0][p];
        for (int t = 1; t < workers; t++) {
            float[] part = grads[t][p];
            for (int i = from; i < to; i++) {
                total[i] += part[i];
                part[i] = 0f;
            }
        }
    }

    /** Where part {@code part} of {@code parts} of {@code length} items starts; part {@code parts} gives the end. */
    static int sliceStart(int length, int part, int parts) {
        return (int) ((long) length * part / parts);
    }
}
