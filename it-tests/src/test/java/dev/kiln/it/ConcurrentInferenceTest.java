package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.TfMnistModel;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One generated model shared by 16 threads, as a server shares it: {@code predict} and
 * {@code predictBatch} interleaved, right after a checkpoint load, right after weights written
 * outside the model (so the first callers race to repack them), and in the steady state. Every
 * answer must have the bits of the same call made alone; a hang fails the test by its timeout.
 */
class ConcurrentInferenceTest {
    private static final int THREADS = 16;
    private static final int IMAGES = 16;
    private static final int BATCH = 4;
    private static final int SIZE = 28 * 28;
    /** Rounds of one predict and one predictBatch per thread, beyond those that overlap training. */
    private static final int ROUNDS = 4;
    private static final long TIMEOUT_SECONDS = 240;

    @TempDir Path folder;

    /** What one model of the same weights and thread count answers, one call at a time. */
    record Expected(float[][] single, float[][] batches) {
        static Expected of(TfMnistModel model, float[] images) {
            float[][] single = new float[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                single[i] = model.predict(Arrays.copyOfRange(images, i * SIZE, (i + 1) * SIZE));
            }
            float[][] batches = new float[IMAGES][];
            for (int first = 0; first < IMAGES; first++) {
                batches[first] = new float[BATCH * 10];
                model.predictBatch(batch(images, first), BATCH, batches[first]);
            }
            return new Expected(single, batches);
        }
    }

    @Test
    void sixteenThreadsGetTheSingleThreadedBitsAfterARestoreAndInTheSteadyState() throws Exception {
        float[] images = randomImages(IMAGES + BATCH, 11);
        Path checkpoint = folder.resolve("tf-mnist.kiln");
        Expected expected;
        float[][] savedWeights;
        try (TfMnistModel trained = TfMnistModel.create(5, 2)) {
            Sgd sgd = Sgd.withLearningRate(0.05f);
            trained.trainStep(images, labels(IMAGES), IMAGES, sgd);
            Checkpoints.save(checkpoint, trained, null, Map.of());
            expected = Expected.of(trained, images);
            savedWeights = trained.parameters().stream().map(Parameter::toPytorch).toArray(float[][]::new);
        }
        try (TfMnistModel model = TfMnistModel.create(1, 2)) {
            Checkpoints.load(checkpoint).restoreInto(model, null);
            assertEquals(0, hammer(model, images, expected, null), "wrong answers right after restoreInto");

            // Weights written outside the model, announced only by their versions: the first
            // predictions find the packed copies stale and must repack them once, safely.
            try (TfMnistModel other = TfMnistModel.create(9, 2)) {
                copyWeights(other, model);
            }
            for (int p = 0; p < savedWeights.length; p++) {
                model.parameters().get(p).fromPytorch(savedWeights[p]);
            }
            assertEquals(0, hammer(model, images, expected, null), "wrong answers after weights written directly");

            assertEquals(0, hammer(model, images, expected, null), "wrong answers in the steady state");
        }
    }

    /**
     * Training while serving: one thread trains while 15 predict. Each answer must be the bits of
     * the weights before or after some step (never a mix of two), and the last ones those after
     * the last step.
     */
    @Test
    void predictionsDuringTrainingSeeTheWeightsOfAWholeStep() throws Exception {
        int steps = 3;
        float[] images = randomImages(IMAGES + BATCH, 12);
        float[] trainImages = randomImages(32, 13);
        int[] labels = labels(32);
        List<Expected> versions = new ArrayList<>();
        try (TfMnistModel reference = TfMnistModel.create(3, 2)) {
            Sgd sgd = Sgd.withLearningRate(0.05f);
            versions.add(Expected.of(reference, images));
            for (int s = 0; s < steps; s++) {
                reference.trainStep(trainImages, labels, 32, sgd);
                versions.add(Expected.of(reference, images));
            }
        }
        try (TfMnistModel model = TfMnistModel.create(3, 2)) {
            Sgd sgd = Sgd.withLearningRate(0.05f);
            Runnable training = () -> {
                for (int s = 0; s < steps; s++) {
                    model.trainStep(trainImages, labels, 32, sgd);
                }
            };
            assertEquals(0, hammer(model, images, null, new Trainer(training, versions)),
                    "answers that match no step's weights while training");
            assertEquals(0, hammer(model, images, versions.getLast(), null), "wrong answers after training");
        }
    }

    /** A training run on one of the hammer's threads, and the answers each of its steps allows. */
    record Trainer(Runnable steps, List<Expected> versions) {}

    /**
     * Runs {@link #THREADS} threads (one of them training, with a trainer) that call predict and
     * predictBatch in turn, all released at once; returns the count of answers that match no
     * allowed version. Fails on a timeout or on any thread's exception.
     */
    private static int hammer(TfMnistModel model, float[] images, Expected expected, Trainer trainer) throws Exception {
        List<Expected> allowed = trainer == null ? List.of(expected) : trainer.versions();
        AtomicInteger wrong = new AtomicInteger();
        AtomicBoolean trainingDone = new AtomicBoolean(trainer == null);
        AtomicBoolean stop = new AtomicBoolean();              // set when the test ends, failed or not
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            int predictors = trainer == null ? THREADS : THREADS - 1;
            if (trainer != null) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        trainer.steps().run();
                    } finally {
                        trainingDone.set(true);
                    }
                    return null;
                }));
            }
            for (int t = 0; t < predictors; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    float[] one = new float[10];
                    float[] many = new float[BATCH * 10];
                    start.await();
                    // While training runs keep predicting; otherwise a fixed number of rounds.
                    for (int round = 0; !stop.get() && (round < ROUNDS || !trainingDone.get()); round++) {
                        int i = (thread * 7 + round * 5) % IMAGES;
                        model.predict(Arrays.copyOfRange(images, i * SIZE, (i + 1) * SIZE), one);
                        if (allowed.stream().noneMatch(v -> Arrays.equals(v.single()[i], one))) {
                            wrong.incrementAndGet();
                        }
                        model.predictBatch(batch(images, i), BATCH, many);
                        if (allowed.stream().noneMatch(v -> Arrays.equals(v.batches()[i], many))) {
                            wrong.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);   // a hang ends in TimeoutException
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "a model call did not return after the test");
        return wrong.get();
    }

    private static void copyWeights(TfMnistModel from, TfMnistModel to) {
        to.changeWeights(() -> {
            for (int p = 0; p < to.parameters().size(); p++) {
                to.parameters().get(p).fromPytorch(from.parameters().get(p).toPytorch());
            }
        });
    }

    private static float[] batch(float[] images, int first) {
        return Arrays.copyOfRange(images, first * SIZE, (first + BATCH) * SIZE);
    }

    private static int[] labels(int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        return labels;
    }

    private static float[] randomImages(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count * SIZE];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }
}
