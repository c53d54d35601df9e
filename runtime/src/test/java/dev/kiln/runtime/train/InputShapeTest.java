package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

/** Images of another shape than the model's input are an error, not a quiet misreading. */
class InputShapeTest {
    private static Dataset images(String name, int height, int width) {
        return Dataset.ofPixels(name, new byte[2 * height * width], new int[] {0, 1}, 1, height, width, 2);
    }

    @Test
    void trainingOnImagesOfAnotherShapeNamesTheSetAndBothShapes() {
        ScriptedModel model = new ScriptedModel(step -> 1); // takes 1x1x1
        Dataset tenByTen = images("digits train, /data/train-images-idx3-ubyte", 10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(model, null, TrainingConfig.of(1, 2, 1), null, null).fit(tenByTen, null));
        assertEquals("the training set (digits train, /data/train-images-idx3-ubyte) holds images of 1x10x10"
                + " (channels x height x width), but Scripted takes 1x1x1", e.getMessage());
        assertEquals(0, model.step(), "nothing was trained");
    }

    @Test
    void evaluatingImagesOfAnotherShapeIsAnErrorToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.accuracy(new ScriptedModel(step -> 1), images("faces", 2, 3), 10));
        assertEquals("the test set (faces) holds images of 1x2x3 (channels x height x width), but Scripted takes 1x1x1",
                e.getMessage());
    }
}
