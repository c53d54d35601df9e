package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.testing.SoftmaxRegression;
import dev.kiln.runtime.testing.TwoBlobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training API's callbacks on a model that really learns: validation, early stopping, schedules, history. */
class TrainingCallbacksTest {
    @TempDir
    Path dir;

    private static final Dataset TRAIN = TwoBlobs.of("blobs", 64, 1, false);
    /** The same kind of points with the labels swapped: the better the model fits TRAIN, the worse its loss here. */
    private static final Dataset OPPOSITE = TwoBlobs.of("opposite blobs", 32, 2, true);

    private static Trainer.Builder trainer(SoftmaxRegression model, int epochs) {
        return Trainer.builder(model, Sgd.withLearningRate(0.5f)).epochs(epochs).batchSize(8).seed(3);
    }

    @Test
    void validationLossAndAccuracyAreThoseOfTheModelAfterTheEpoch() {
        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        List<EpochReport> history = trainer(model, 1).build().fit(TRAIN, OPPOSITE);
        Evaluation.LossAndAccuracy expected = Evaluation.lossAndAccuracy(model, OPPOSITE, 32);
        assertEquals(expected.loss(), history.get(0).validationLoss(), 0.0);
        // Without L2 terms the model's own loss is the same cross-entropy, computed in its own way.
        float[] images = new float[32 * 2];
        int[] labels = new int[32];
        OPPOSITE.fill(OPPOSITE.order(0, 0), 0, 32, images, labels);
        assertEquals(model.loss(images, labels, 32), history.get(0).validationLoss(), 1e-5);
        assertEquals(expected.accuracy(), history.get(0).validationAccuracy(), 0.0);
        assertTrue(history.get(0).validationAccuracy() < 0.3, "the opposite labels are mostly wrong: " + history.get(0));
        assertEquals(0.5f, history.get(0).learningRate(), 0.0);
    }

    @Test
    void earlyStoppingStopsAfterThePatienceAndRestoresTheBestWeights() throws IOException {
        // The best validation loss is after epoch 1: every further epoch fits TRAIN better and OPPOSITE worse.
        SoftmaxRegression oneEpoch = new SoftmaxRegression(1, 1, 2, 2, 7);
        trainer(oneEpoch, 1).build().fit(TRAIN, OPPOSITE);

        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        Path checkpoint = dir.resolve("model.kiln");
        EarlyStopping stopping = EarlyStopping.on(Metric.VALIDATION_LOSS, 2);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<EpochReport> history = trainer(model, 10).checkpoint(new FileCheckpointStore(checkpoint), 0, false)
                .listeners(stopping, new ProgressPrinter(new PrintStream(printed, true)))
                .build().fit(TRAIN, OPPOSITE);

        assertEquals(3, history.size(), "epochs 2 and 3 did not improve: stopped after 3");
        assertTrue(history.get(1).validationLoss() > history.get(0).validationLoss());
        assertTrue(history.get(2).validationLoss() > history.get(0).validationLoss());
        assertEquals(1, stopping.bestEpoch());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(oneEpoch.parameters().get(i).value(), model.parameters().get(i).value(),
                    "the model holds the weights of epoch 1");
            assertArrayEquals(oneEpoch.parameters().get(i).toPytorch(),
                    Checkpoints.load(checkpoint).values(model.parameters().get(i).name()), "and so does the checkpoint");
        }
        String log = printed.toString();
        assertTrue(log.contains("kiln: early stopping after epoch 3: val_loss has not improved for 2 epochs (best "), log);
        assertTrue(log.contains("kiln: restored the weights of epoch 1, the best by val_loss; saved them to " + checkpoint), log);
    }

    @Test
    void aValidationMetricWithoutValidationDataIsAClearError() {
        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> trainer(model, 2).listeners(EarlyStopping.on(Metric.VALIDATION_ACCURACY, 1)).build().fit(TRAIN, null));
        assertEquals("val_accuracy is not known after epoch 1: training has no validation set (give one, or a validation split)",
                e.getMessage());
    }

    @Test
    void stepScheduleRatesEpochByEpoch() {
        LearningRateSchedule step = LearningRateSchedule.step(0.5f, 2, 0.5f);
        float[] rates = new float[6];
        for (int epoch = 1; epoch <= 6; epoch++) {
            rates[epoch - 1] = step.rate(epoch);
        }
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.25f, 0.25f, 0.125f, 0.125f}, rates);
    }

    @Test
    void cosineScheduleRatesEpochByEpoch() {
        LearningRateSchedule cosine = LearningRateSchedule.cosine(1f, 4, 0.1f);
        float[] rates = new float[6];
        for (int epoch = 1; epoch <= 6; epoch++) {
            rates[epoch - 1] = cosine.rate(epoch);
        }
        // m + (1 - m) * (1 + cos(pi * t / 4)) / 2 for t = 0..4, then m, where m = 0.1f = 0.10000000149011612 (worked
        // out in double, as the schedule does, then rounded to float).
        assertArrayEquals(new float[] {1f, 0.8681980517521688f, 0.5500000007450581f, 0.23180194973794732f, 0.1f, 0.1f}, rates);
    }

    @Test
    void theTrainerUsesTheScheduleAndRecordsEachEpochsRate() {
        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        List<EpochReport> history = trainer(model, 3).listeners(LearningRateSchedule.step(0.5f, 1, 0.5f)).build().fit(TRAIN, null);
        assertEquals(List.of(0.5, 0.25, 0.125), history.stream().map(EpochReport::learningRate).toList());
    }

    @Test
    void reduceOnPlateauHalvesAfterThePatienceAndNotBelowTheMinimum() {
        Sgd sgd = Sgd.withLearningRate(1f);
        TrainingControl control = new TrainingControl(new SoftmaxRegression(1, 1, 2, 2, 7), sgd);
        ReduceLearningRateOnPlateau plateau = new ReduceLearningRateOnPlateau(Metric.VALIDATION_LOSS, 0.5f, 2, 0.3f);
        double[] losses = {1.0, 0.9, 0.95, 0.97, 0.96, 0.8, 0.85, 0.81, 0.9, 0.9};
        List<Float> rates = new ArrayList<>();
        for (int epoch = 1; epoch <= losses.length; epoch++) {
            rates.add(sgd.learningRate()); // the rate epoch `epoch` trained with
            plateau.epochEnded(new EpochReport(epoch, epoch, 1, 0, losses[epoch - 1], 0.5, sgd.learningRate(), 1, 1), control);
        }
        rates.add(sgd.learningRate());
        // Epochs 3 and 4 do not beat 0.9: halved to 0.5 for epoch 5; 5 fails, 6 improves (0.8); 7 and 8 fail: 0.25 is
        // below the minimum, so 0.3 for epoch 9; 9 and 10 fail: 0.15, held at 0.3.
        assertEquals(List.of(1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f), rates);
    }

    @Test
    void theCsvHistoryHoldsEveryEpochExactly() throws IOException {
        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        Path csv = dir.resolve("logs/history.csv");
        List<EpochReport> history = trainer(model, 2).listeners(new CsvHistory(csv)).build().fit(TRAIN, OPPOSITE);

        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        assertEquals("epoch,steps,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,seconds", lines.get(0));
        for (int e = 0; e < 2; e++) {
            EpochReport r = history.get(e);
            assertEquals((e + 1) + "," + 8 * (e + 1) + ",0.5," + r.trainLoss() + "," + r.trainAccuracy() + ","
                    + r.validationLoss() + "," + r.validationAccuracy() + "," + r.seconds(), lines.get(e + 1));
            String[] fields = lines.get(e + 1).split(",");
            assertEquals(r.validationLoss(), Double.parseDouble(fields[5]), 0.0, "read back exactly");
        }

        trainer(new SoftmaxRegression(1, 1, 2, 2, 7), 1).listeners(new CsvHistory(csv)).build().fit(TRAIN, null);
        String row = Files.readAllLines(csv).get(1);
        assertTrue(row.matches("1,8,0\\.5,[^,]+,[^,]+,,,[^,]+"), "no validation: empty columns, not NaN: " + row);
    }

    @Test
    void aValidationSplitValidatesOnASeededShareOfTheData() {
        SoftmaxRegression model = new SoftmaxRegression(1, 1, 2, 2, 7);
        List<EpochReport> history = trainer(model, 1).validationSplit(0.25).build().fit(TRAIN);
        Dataset.Split split = TRAIN.split(0.25, 3);
        assertEquals(48 / 8, history.get(0).steps(), "trained on the other 48 examples");
        assertEquals(Evaluation.lossAndAccuracy(model, split.validation(), 16).accuracy(), history.get(0).validationAccuracy(), 0.0);
    }
}
