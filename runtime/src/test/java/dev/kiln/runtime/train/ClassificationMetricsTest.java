package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Metrics on predictions made by hand, with every count worked out below. */
class ClassificationMetricsTest {

    @Test
    void accuracyTopKPrecisionRecallAndConfusionMatrix() {
        ClassificationMetrics metrics = new ClassificationMetrics(3, 2);
        // scores for classes 0, 1, 2                 label  predicted  second
        metrics.add(new float[] {0.7f, 0.2f, 0.1f}, 0, 0); // 0      0          1
        metrics.add(new float[] {0.5f, 0.4f, 0.1f}, 0, 1); // 1      0          1   (top-2 hit)
        metrics.add(new float[] {0.1f, 0.8f, 0.1f}, 0, 1); // 1      1          0   (tie 0/2: the lower index)
        metrics.add(new float[] {0.6f, 0.1f, 0.3f}, 0, 2); // 2      0          2   (top-2 hit)
        metrics.add(new float[] {9f, 0.2f, 0.1f, 0.6f}, 1, 1); // offset 1: scores 0.2, 0.1, 0.6: label 1, predicted 2, second 0: miss

        assertEquals(5, metrics.count());
        assertArrayEquals(new long[][] {{1, 0, 0}, {1, 1, 1}, {1, 0, 0}}, metrics.confusionMatrix());
        assertEquals(2 / 5.0, metrics.accuracy(), 0.0);
        assertEquals(4 / 5.0, metrics.topKAccuracy(2), 0.0);
        assertEquals(1 / 3.0, metrics.precision(0), 0.0); // predicted 0 three times, right once
        assertEquals(1.0, metrics.precision(1), 0.0);
        assertEquals(0.0, metrics.precision(2), 0.0); // predicted 2 once, wrongly
        assertEquals(1.0, metrics.recall(0), 0.0);
        assertEquals(1 / 3.0, metrics.recall(1), 0.0);
        assertEquals(0.0, metrics.recall(2), 0.0);
        assertTrue(metrics.toString().endsWith("accuracy 0.4000, top-2 0.8000 over 5 examples"), metrics.toString());
    }

    @Test
    void aClassNeverPredictedHasNoPrecisionRatherThanZero() {
        ClassificationMetrics metrics = new ClassificationMetrics(3, 1);
        metrics.add(new float[] {1, 0, 0}, 0, 0);
        assertTrue(Double.isNaN(metrics.precision(2)));
        assertTrue(Double.isNaN(metrics.recall(2)));
    }
}
