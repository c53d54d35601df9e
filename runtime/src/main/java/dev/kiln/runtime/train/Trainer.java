package dev.kiln.runtime.train;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training loop: epochs of shuffled batches, a checkpoint after each epoch, validation loss and
 * accuracy, and {@link TrainingListener callbacks} (progress, early stopping, learning-rate
 * schedules, a CSV history). Built with {@link #builder}:
 *
 * <pre>{@code
 * List<EpochReport> history = Trainer.builder(model, Adam.withLearningRate(1e-3f))
 *         .epochs(10).batchSize(64).seed(1)
 *         .validationSplit(0.1)
 *         .listeners(new ProgressPrinter(System.out), EarlyStopping.on(Metric.VALIDATION_LOSS, 2),
 *                 LearningRateSchedule.cosine(1e-3f, 10, 0), new CsvHistory(Path.of("history.csv")))
 *         .build()
 *         .fit(train);
 * }</pre>
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
    private final List<TrainingListener> listeners;
    private final double validationSplit;
    /** Applied to every training batch; null: none. */
    private final Augmentation augmentation;
    /** The step of the checkpoint this run saved or resumed from last; -1: none yet. */
    private long goodCheckpointStep = -1;

    public Trainer(Model model, Optimizer optimizer, TrainingConfig config, CheckpointStore store, TrainingListener listener) {
        this(model, optimizer, config, store, listener == null ? List.of() : List.of(listener), 0, null);
    }

    private Trainer(Model model, Optimizer optimizer, TrainingConfig config, CheckpointStore store,
            List<TrainingListener> listeners, double validationSplit, Augmentation augmentation) {
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.store = store;
        this.listeners = List.copyOf(listeners);
        this.validationSplit = validationSplit;
        this.augmentation = augmentation;
    }

    /** A trainer for {@code model} updated by {@code optimizer}: 1 epoch of batches of 32, seed 0, until told otherwise. */
    public static Builder builder(Model model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /**
     * Trains on {@code data}, putting the builder's {@link Builder#validationSplit} of it aside (a
     * seeded random share) to validate on after each epoch.
     */
    public List<EpochReport> fit(Dataset data) {
        if (validationSplit == 0) {
            return fit(data, null);
        }
        Dataset.Split split = data.split(validationSplit, config.seed());
        return fit(split.training(), split.validation());
    }

    /**
     * Trains for the configured epochs (counting those a resumed checkpoint already finished), or
     * until a listener stops it; after each epoch, measures loss and accuracy on {@code validation}
     * (null: none). Returns this run's epochs.
     *
     * @throws IllegalArgumentException when the training set, or a validation set given, is empty or
     *     holds images of another shape than the model's input
     * @throws DivergedException when a step's loss, or a weight, is NaN or infinite; nothing is saved
     *     after that, and the message names the last checkpoint that holds finite weights
     */
    public List<EpochReport> fit(Examples train, Examples validation) {
        Examples.requireNonEmpty(train, "training");
        Examples.requireShape(train, model, "training");
        if (validation != null) {
            Examples.requireNonEmpty(validation, "validation");
            Examples.requireShape(validation, model, "validation");
        }
        if (store != null) {
            store.checkWritable();
        }
        TrainingPosition start = resume(train.size());
        int batches = TrainingPosition.batchCount(train.size(), config.batchSize());
        float[] images = new float[config.batchSize() * model.inputSize()];
        int[] labels = new int[config.batchSize()];
        List<EpochReport> reports = new ArrayList<>();
        TrainingControl control = new TrainingControl(model, optimizer);
        TrainingPosition next = start;
        float[] black = augmentation == null ? null : blackPixel(train);

        for (int epoch = start.epoch(); epoch <= config.epochs() && !control.stopRequested(); epoch++) {
            for (TrainingListener listener : listeners) {
                listener.epochStarting(epoch, control);
            }
            int[] order = train.order(config.seed(), epoch);
            TrainingPosition at = epoch == start.epoch() ? start : TrainingPosition.startOf(epoch);
            double lossSum = at.lossSum();
            long correct = at.correct();
            long seen = at.seen();
            for (TrainingListener listener : listeners) {
                listener.epochStarted(epoch, config.epochs(), batches);
            }

            long began = System.nanoTime();
            for (int batch = at.nextBatch(); batch < batches; batch++) {
                int from = batch * config.batchSize();
                int count = Math.min(config.batchSize(), train.size() - from);
                train.fill(order, from, count, images, labels);
                if (augmentation != null) {
                    augmentation.apply(images, count, model.inputChannels(), model.inputHeight(), model.inputWidth(), black,
                            new SplittableRandom(batchSeed(config.seed(), epoch, batch)));
                }
                float loss = model.trainStep(images, labels, count, optimizer);
                if (!Float.isFinite(loss)) {
                    throw diverged(String.format(Locale.ROOT, "the training loss became %s at epoch %d, batch %d (step %d)",
                            loss, epoch, batch + 1, model.step()));
                }
                lossSum += (double) loss * count;
                correct += model.lastBatchCorrect();
                seen += count;
                for (TrainingListener listener : listeners) {
                    listener.batchDone(epoch, batch + 1, lossSum / seen, (double) correct / seen);
                }
                if (store != null && config.checkpointEvery() > 0 && model.step() % config.checkpointEvery() == 0
                        && batch + 1 < batches) {
                    requireFiniteWeights(epoch, batch + 1);
                    save(new TrainingPosition(epoch, batch + 1, lossSum, correct, seen));
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            requireFiniteWeights(epoch, batches);
            Evaluation.LossAndAccuracy validated = validation == null ? new Evaluation.LossAndAccuracy(Double.NaN, Double.NaN)
                    : Evaluation.lossAndAccuracy(model, validation, config.evalBatchSize());
            EpochReport report = new EpochReport(epoch, model.step(), lossSum / seen, (double) correct / seen,
                    validated.loss(), validated.accuracy(), optimizer == null ? Double.NaN : optimizer.learningRate(),
                    seconds, seen - at.seen());
            reports.add(report);
            next = TrainingPosition.startOf(epoch + 1);
            if (store != null) {
                save(next);
            }
            for (TrainingListener listener : listeners) {
                listener.epochDone(report);
            }
            for (TrainingListener listener : listeners) {
                listener.epochEnded(report, control);
            }
        }
        if (control.stopRequested()) {
            info(control.stopReason());
        }
        for (TrainingListener listener : listeners) {
            listener.trainingEnded(reports, control);
        }
        if (control.weightsReplacement() != null) {
            // The checkpoint must hold what the model now holds (e.g. the best epoch's weights).
            requireFiniteWeights(next.epoch() - 1, batches);
            if (store != null) {
                save(next);
            }
            info(control.weightsReplacement() + (store == null ? "" : "; saved them to " + store.describe()));
        }
        return reports;
    }

    /**
     * The seed of one batch's augmentation: a function of the run's seed, the epoch and the batch
     * only, so a resumed run augments exactly as the uninterrupted one (SplittableRandom mixes it).
     */
    static long batchSeed(long seed, int epoch, int batch) {
        return (seed * 0x9E3779B97F4A7C15L + epoch) * 0xBF58476D1CE4E5B9L + batch;
    }

    /** Per channel, the value a black pixel has in the batches {@code train} fills: 0, or -mean/std when normalized. */
    private static float[] blackPixel(Examples train) {
        if (train instanceof Dataset data && data.normalization() != null) {
            float[] black = new float[data.channels()];
            for (int c = 0; c < black.length; c++) {
                black[c] = -data.normalization().mean(c) / data.normalization().std(c);
            }
            return black;
        }
        return new float[] {0f};
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
        info(String.format(Locale.ROOT, "resumed from %s at epoch %d, batch %d (step %d)",
                store.describe(), at.epoch(), at.nextBatch() + 1, model.step()));
        return at;
    }

    private void info(String message) {
        for (TrainingListener listener : listeners) {
            listener.info(message);
        }
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

    /** Collects how to train; {@link #build} checks it. */
    public static final class Builder {
        private final Model model;
        private final Optimizer optimizer;
        private int epochs = 1;
        private int batchSize = 32;
        private long seed;
        private Integer evaluationBatchSize;
        private CheckpointStore store;
        private int checkpointEvery;
        private boolean resume;
        private double validationSplit;
        private Augmentation augmentation;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(Model model, Optimizer optimizer) {
            this.model = java.util.Objects.requireNonNull(model, "model");
            this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
        }

        /** Passes over the training set (default 1). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Examples per step (default 32). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Decides the data order of every epoch and the validation split (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Batch size of validation (default: the training batch size, whose buffers the model
         * already holds; a larger one makes it allocate a second set).
         */
        public Builder evaluationBatchSize(int size) {
            this.evaluationBatchSize = size;
            return this;
        }

        /**
         * Saves to {@code store} after every epoch and every {@code every} steps (0: only after
         * epochs); with {@code resume}, continues from what it holds when it holds something.
         */
        public Builder checkpoint(CheckpointStore store, int every, boolean resume) {
            this.store = store;
            this.checkpointEvery = every;
            this.resume = resume;
            return this;
        }

        /** For {@link Trainer#fit(Dataset)}: the share of the data put aside to validate on (Keras's validation_split). */
        public Builder validationSplit(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("the validation split must be in [0, 1), got " + fraction);
            }
            this.validationSplit = fraction;
            return this;
        }

        /**
         * Changes every training batch with {@code augmentation} (e.g.
         * {@code Augmentation.randomCrop(4).thenFlip()}), seeded from the seed, epoch and batch;
         * validation data is left as it is. Null: none (the default).
         */
        public Builder augment(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Adds callbacks, called in this order. */
        public Builder listeners(TrainingListener... listeners) {
            this.listeners.addAll(List.of(listeners));
            return this;
        }

        public Trainer build() {
            TrainingConfig config = TrainingConfig.of(epochs, batchSize, seed)
                    .withEvalBatchSize(evaluationBatchSize == null ? batchSize : evaluationBatchSize)
                    .withCheckpoint(null, checkpointEvery, resume);
            return new Trainer(model, optimizer, config, store, listeners, validationSplit, augmentation);
        }
    }
}
