package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PredictionsTest {

    @Test
    void topKListsTheLargestFirstAndTheLowerIndexOnTies() {
        float[] scores = {0.1f, 0.4f, 0.05f, 0.4f, 0.05f, 9f};
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 3, 0}, Predictions.topK(scores, 0, 5, 3));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1}, Predictions.topK(scores, 0, 5, 1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {5, 1, 3, 0, 2, 4}, Predictions.topK(scores, 0, 6, 10));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 0}, Predictions.topK(scores, 3, 3, 2));
    }

    @Test
    void correctCountsTheFirstMaximum() {
        float[] logits = {1f, 3f, 3f, 5f, 0f, 0f};
        assertEquals(2, Predictions.correct(logits, 2, 3, new int[] {1, 0}, 0));
        assertEquals(0, Predictions.correct(logits, 2, 3, new int[] {2, 1}, 0));
        assertTrue(Predictions.correct(logits, 1, 3, new int[] {1}, 0) == 1);
    }

    @Test
    void argmaxReadsFromTheOffset() {
        float[] scores = {9f, 0.1f, 0.7f, 0.2f};
        assertEquals(1, Predictions.argmax(scores, 1, 3));
        assertEquals(0, Predictions.argmax(scores, 0, 4));
    }
}
