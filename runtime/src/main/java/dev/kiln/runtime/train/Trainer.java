package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop: epochs of shuffled batches, a checkpoint after each epoch, test accuracy.
 *
 * <p>Everything that decides the result is a function of the seeds and the step count: the order
 * of epoch {@code e} is {@code train.order(seed, e)}, and dropout depends on the model's seed and
 * step. So resuming from a checkpoint, which stores the step and the position in the epoch,
 * continues exactly as the uninterrupted run would have.
 *
 * <p>A diverged run never leaves a broken checkpoint behind: the loss is checked after every step,
 * and every weight before each save and at the end of each epoch (one pass over the parameters,
 * far cheaper than the save itself), so a checkpoint the loop writes holds only finite weights.
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final CheckpointStore store;
    private final TrainingListener listener;
    /** The step of the checkpoint this run saved or resumed from last; -1: none yet. */
    private long goodCheckpointStep = -1;

    public Trainer(Model model, Optimizer optimizer, TrainingConfig config, CheckpointStore store, TrainingListener listener) {
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.store = store;
        this.listener = listener == null ? new TrainingListener() {} : listener;
    }

    /**
     * Trains for the configured epochs (counting those a resumed checkpoint already finished).
     *
     * @throws IllegalArgumentException when the training set, or a test set given, is empty
     * @throws DivergedException when a step's loss, or a weight, is NaN or infinite; nothing is saved
     *     after that, and the message names the last checkpoint that holds finite weights
     */
    public List<EpochReport> fit(Examples train, Examples test) {
        Examples.requireNonEmpty(train, "training");
        Examples.requireShape(train, model, "training");
        if (test != null) {
            Examples.requireNonEmpty(test, "test");
            Examples.requireShape(test, model, "test");
        }
        if (store != null) {
            store.checkWritable();
        }
        TrainingPosition start = resume(train.size());
        int batches = TrainingPosition.batchCount(train.size(), config.batchSize());
        float[] images = new float[config.batchSize() * model.inputSize()];
        int[] labels = new int[config.batchSize()];
        List<EpochReport> reports = new ArrayList<>();

        for (int epoch = start.epoch(); epoch <= config.epochs(); epoch++) {
            int[] order = train.order(config.seed(), epoch);
            TrainingPosition at = epoch == start.epoch() ? start : TrainingPosition.startOf(epoch);
            double lossSum = at.lossSum();
            long correct = at.correct();
            long seen = at.seen();
            listener.epochStarted(epoch, config.epochs(), batches);

            long began = System.nanoTime();
            for (int batch = at.nextBatch(); batch < batches; batch++) {
                int from = batch * config.batchSize();
                int count = Math.min(config.batchSize(), train.size() - from);
                train.fill(order, from, count, images, labels);
                float loss = model.trainStep(images, labels, count, optimizer);
                if (!Float.isFinite(loss)) {
                    throw diverged(String.format(Locale.ROOT, "the training loss became %s at epoch %d, batch %d (step %d)",
                            loss, epoch, batch + 1, model.step()));
                }
                lossSum += (double) loss * count;
                correct += model.lastBatchCorrect();
                seen += count;
                listener.batchDone(epoch, batch + 1, lossSum / seen, (double) correct / seen);
                if (store != null && config.checkpointEvery() > 0 && model.step() % config.checkpointEvery() == 0
                        && batch + 1 < batches) {
                    requireFiniteWeights(epoch, batch + 1);
                    save(new TrainingPosition(epoch, batch + 1, lossSum, correct, seen));
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            requireFiniteWeights(epoch, batches);
            double testAccuracy = test == null ? Double.NaN : Evaluation.accuracy(model, test, config.evalBatchSize());
            EpochReport report = new EpochReport(epoch, model.step(), lossSum / seen, (double) correct / seen,
                    testAccuracy, seconds, seen - at.seen());
            reports.add(report);
            if (store != null) {
                save(TrainingPosition.startOf(epoch + 1));
            }
            listener.epochDone(report);
        }
        return reports;
    }

    private TrainingPosition resume(int trainSize) {
        if (store == null || !config.resume()) {
            return TrainingPosition.START;
        }
        Optional<Map<String, String>> meta = store.restore(model, optimizer);
        if (meta.isEmpty()) {
            return TrainingPosition.START;
        }
        TrainingPosition at = TrainingPosition.from(meta.get(), store.describe(), trainSize, config.batchSize());
        goodCheckpointStep = model.step();
        listener.info(String.format(Locale.ROOT, "resumed from %s at epoch %d, batch %d (step %d)",
                store.describe(), at.epoch(), at.nextBatch() + 1, model.step()));
        return at;
    }

    /** Stops before a save or an evaluation when an update left a weight NaN or infinite. */
    private void requireFiniteWeights(int epoch, int batchesDone) {
        NonFiniteValues.in(model.parameters()).ifPresent(bad -> {
            throw diverged(String.format(Locale.ROOT, "after epoch %d, batch %d (step %d) the weights are not finite: %s",
                    epoch, batchesDone, model.step(), bad.describe()));
        });
    }

    private DivergedException diverged(String what) {
        String checkpoint;
        if (store == null) {
            checkpoint = "";
        } else if (goodCheckpointStep < 0) {
            checkpoint = " No checkpoint was saved by this run, and " + store.describe() + " was not written.";
        } else {
            checkpoint = " The last good checkpoint is " + store.describe() + " (step " + goodCheckpointStep + ").";
        }
        return new DivergedException(what + "; stopped before saving." + checkpoint
                + " A lower learning rate usually avoids this.");
    }

    private void save(TrainingPosition at) {
        store.save(model, optimizer, at.toMetadata());
        goodCheckpointStep = model.step();
    }
}
