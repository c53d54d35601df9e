package dev.kiln.runtime.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.testing.SoftmaxRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preprocessing travels with the model: saved, loaded, and applied to raw pixels by predict. */
class ClassifierTest {
    @TempDir
    Path dir;

    private static final List<String> NAMES = List.of("cat", "dog", "bird");
    private static final Normalization NORMALIZATION = Normalization.perChannel(new float[] {0.25f, 0.5f}, new float[] {0.5f, 2f});

    private static float[] rawPixels() {
        return new float[] {0.1f, 0.9f, 0.3f, 0.7f, 0.0f, 1.0f, 0.5f, 0.2f}; // 2 channels of 2x2
    }

    @Test
    void normalizationAndClassNamesSurviveSaveLoadAndPredict() throws IOException {
        SoftmaxRegression trained = new SoftmaxRegression(2, 2, 2, 3, 5);
        Preprocessing preprocessing = new Preprocessing(2, 2, 2, NORMALIZATION, NAMES);
        Path file = dir.resolve("model.kiln");
        Checkpoints.save(file, trained, null, preprocessing, Map.of());

        Checkpoint checkpoint = Checkpoints.load(file);
        assertEquals(preprocessing, checkpoint.preprocessing().orElseThrow());
        assertArrayEquals(new float[] {0.25f, 0.5f}, checkpoint.preprocessing().get().normalization().means());

        Classifier classifier = Classifier.load(new SoftmaxRegression(2, 2, 2, 3, 99), file);
        // What the trained model gives on the pixels normalized by hand, channel by channel.
        float[] normalized = rawPixels();
        for (int j = 0; j < 8; j++) {
            int c = j / 4;
            normalized[j] = (normalized[j] - (c == 0 ? 0.25f : 0.5f)) / (c == 0 ? 0.5f : 2f);
        }
        float[] expected = trained.predict(normalized);
        assertArrayEquals(expected, classifier.probabilities(rawPixels()));

        List<Prediction> top = classifier.classify(rawPixels(), 2);
        assertEquals(2, top.size());
        int best = expected[0] >= expected[1] && expected[0] >= expected[2] ? 0 : expected[1] >= expected[2] ? 1 : 2;
        assertEquals(new Prediction(best, NAMES.get(best), expected[best]), top.get(0));
        assertEquals(true, top.get(1).probability() <= top.get(0).probability());
    }

    @Test
    void withoutSavedPreprocessingPixelsGoInAsTheyAreAndClassesByIndex() throws IOException {
        SoftmaxRegression trained = new SoftmaxRegression(2, 2, 2, 3, 5);
        Path file = dir.resolve("plain.kiln");
        Checkpoints.save(file, trained, null, Map.of());
        Classifier classifier = Classifier.load(new SoftmaxRegression(2, 2, 2, 3, 99), file);
        assertArrayEquals(trained.predict(rawPixels()), classifier.probabilities(rawPixels()));
        assertEquals(Integer.toString(classifier.classify(rawPixels(), 1).get(0).label()),
                classifier.classify(rawPixels(), 1).get(0).name());
        // Data normalized by the caller (as kiln evaluate --normalize did for such checkpoints) is taken as given.
        Dataset normalized = Dataset.ofFloats("raw", rawPixels(), new int[] {1}, 2, 2, 2, 3).withNormalization(NORMALIZATION);
        assertEquals(false, classifier.preprocessingKnown());
        assertEquals(NORMALIZATION, classifier.prepare(normalized).normalization());
    }

    @Test
    void evaluationAppliesTheSavedNormalizationAndRefusesAnother() {
        Classifier classifier = Classifier.of(new SoftmaxRegression(2, 2, 2, 3, 5),
                new Preprocessing(2, 2, 2, NORMALIZATION, NAMES));
        Dataset raw = Dataset.ofFloats("raw", rawPixels(), new int[] {1}, 2, 2, 2, 3);
        assertEquals(NORMALIZATION, classifier.prepare(raw).normalization());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier.prepare(raw.withNormalization(Normalization.of(0.5f, 0.5f))));
        assertEquals("raw is normalized as normalize(mean=[0.5], std=[0.5]), but the model was trained on images normalized as "
                + "normalize(mean=[0.25, 0.5], std=[0.5, 2.0]); give the raw images and the saved normalization is applied",
                e.getMessage());
    }

    @Test
    void aPreprocessingOfAnotherShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Classifier.of(new SoftmaxRegression(1, 28, 28, 3, 5), new Preprocessing(1, 10, 10, null, NAMES)));
        assertEquals("SoftmaxRegression takes images of 1x28x28, but its preprocessing is for 1x10x10", e.getMessage());
    }
}
