package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop: epochs of shuffled batches, a checkpoint after each epoch, test accuracy.
 *
 * <p>Everything that decides the result is a function of the seeds and the step count: the order
 * of epoch {@code e} is {@code train.order(seed, e)}, and dropout depends on the model's seed and
 * step. So resuming from a checkpoint, which stores the step and the position in the epoch,
 * continues exactly as the uninterrupted run would have.
 */
public final class Trainer {
    static final String EPOCH = "epoch";
    static final String NEXT_BATCH = "nextBatch";
    static final String LOSS_SUM = "epochLossSum";
    static final String CORRECT = "epochCorrect";
    static final String SEEN = "epochSeen";
    static final String SECONDS = "epochSeconds";

    private final Model model;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final CheckpointStore store;
    private final TrainingListener listener;

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
     * @throws DivergedException when a step's loss is NaN or infinite; the last checkpoint saved
     *     before it is left as it was
     */
    public List<EpochReport> fit(Examples train, Examples test) {
        Position start = resume();
        int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
        float[] images = new float[config.batchSize() * model.inputSize()];
        int[] labels = new int[config.batchSize()];
        List<EpochReport> reports = new ArrayList<>();

        for (int epoch = start.epoch; epoch <= config.epochs(); epoch++) {
            int[] order = train.order(config.seed(), epoch);
            boolean resumedHere = epoch == start.epoch;
            int firstBatch = resumedHere ? start.nextBatch : 0;
            double lossSum = resumedHere ? start.lossSum : 0;
            long correct = resumedHere ? start.correct : 0;
            long seen = resumedHere ? start.seen : 0;
            double seconds = resumedHere ? start.seconds : 0;
            listener.epochStarted(epoch, config.epochs(), batches);

            long began = System.nanoTime();
            for (int batch = firstBatch; batch < batches; batch++) {
                int from = batch * config.batchSize();
                int count = Math.min(config.batchSize(), train.size() - from);
                train.fill(order, from, count, images, labels);
                float loss = model.trainStep(images, labels, count, optimizer);
                if (!Float.isFinite(loss)) {
                    throw new DivergedException(String.format(
                            "the training loss became %s at epoch %d, batch %d (step %d); stopped%s",
                            loss, epoch, batch + 1, model.step(), store == null
                                    ? "" : ". The last good checkpoint is " + store.describe()));
                }
                lossSum += (double) loss * count;
                correct += model.lastBatchCorrect();
                seen += count;
                listener.batchDone(epoch, batch + 1, lossSum / seen, (double) correct / seen);
                if (store != null && config.checkpointEvery() > 0 && model.step() % config.checkpointEvery() == 0
                        && batch + 1 < batches) {
                    double elapsed = seconds + (System.nanoTime() - began) / 1e9;
                    save(new Position(epoch, batch + 1, lossSum, correct, seen, elapsed));
                }
            }
            seconds += (System.nanoTime() - began) / 1e9;
            double testAccuracy = test == null ? Double.NaN : Evaluation.accuracy(model, test, config.evalBatchSize());
            EpochReport report = new EpochReport(epoch, model.step(), lossSum / seen, (double) correct / seen,
                    testAccuracy, seconds, seen);
            reports.add(report);
            if (store != null) {
                save(new Position(epoch + 1, 0, 0, 0, 0, 0));
            }
            listener.epochDone(report);
        }
        return reports;
    }

    private Position resume() {
        if (store == null || !config.resume()) {
            return Position.START;
        }
        Optional<Map<String, String>> meta = store.restore(model, optimizer);
        if (meta.isEmpty()) {
            return Position.START;
        }
        Position at = Position.from(meta.get());
        listener.info(String.format("resumed from %s at epoch %d, batch %d (step %d)",
                store.describe(), at.epoch, at.nextBatch + 1, model.step()));
        return at;
    }

    private void save(Position at) {
        store.save(model, optimizer, at.toMetadata());
    }

    /** Where in the run a checkpoint was taken, with the running sums of its epoch. */
    private record Position(int epoch, int nextBatch, double lossSum, long correct, long seen, double seconds) {
        static final Position START = new Position(1, 0, 0, 0, 0, 0);

        Map<String, String> toMetadata() {
            // Doubles as hexadecimal strings, so the running loss resumes to the exact bit.
            return Map.of(EPOCH, Integer.toString(epoch), NEXT_BATCH, Integer.toString(nextBatch),
                    LOSS_SUM, Double.toHexString(lossSum), CORRECT, Long.toString(correct),
                    SEEN, Long.toString(seen), SECONDS, Double.toHexString(seconds));
        }

        static Position from(Map<String, String> meta) {
            try {
                return new Position(Integer.parseInt(meta.get(EPOCH)), Integer.parseInt(meta.get(NEXT_BATCH)),
                        Double.parseDouble(meta.get(LOSS_SUM)), Long.parseLong(meta.get(CORRECT)),
                        Long.parseLong(meta.get(SEEN)), Double.parseDouble(meta.get(SECONDS)));
            } catch (RuntimeException e) {
                throw new IllegalStateException("the checkpoint holds no training position (" + meta
                        + "): was it written by the training loop?", e);
            }
        }
    }
}
