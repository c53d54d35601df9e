package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Kiln's rounds in a JVM of their own: the rows of each round, one round at a time. */
class KilnProcessTest {

    @Test
    void eachRoundComesBackFromItsOwnJvm() throws Exception {
        BenchmarkSettings settings = new BenchmarkSettings("keras-mnist", "1", "8", 0.2, 0.2, 2, false, null,
                null, 1, null, 0, null, "test", false);
        try (KilnProcess kiln = KilnProcess.start("keras-mnist", settings)) {
            for (int round = 0; round < settings.rounds(); round++) {
                List<KilnRow> rows = kiln.awaitRound();
                assertEquals(2, rows.size(), "training at batch 8, then inference: " + rows);
                KilnRow training = rows.get(0), inference = rows.get(1);
                assertEquals(new KilnRow(1, 8, training.first(), training.second(), training.third()), training);
                assertTrue(training.first() > 0, "images/s " + training);
                assertEquals(0, inference.batch());
                assertTrue(inference.first() > 0 && inference.second() > 0, "latency and batch-256 speed " + inference);
                if (round + 1 < settings.rounds()) {
                    kiln.startNextRound();
                }
            }
        }
    }
}
