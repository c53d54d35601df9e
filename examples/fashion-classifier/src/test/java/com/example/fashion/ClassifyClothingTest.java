package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.Checkpoints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ClassifyClothing loads a checkpoint and classifies a picture, as an application would. */
class ClassifyClothingTest {
    @TempDir Path folder;

    @Test
    void classifiesAPictureWithASavedModel() throws Exception {
        Path checkpoint = folder.resolve("fashion-net.kiln");
        try (FashionNetModel model = FashionNetModel.create(8, 1)) {
            // As a training run that keeps its preprocessing saves it: with the normalization and the class names of the training images.
            Checkpoints.save(checkpoint, model, null, new Preprocessing(1, 28, 28, Normalization.of(0.5f, 0.5f),
                    MnistFormat.FASHION_MNIST.classNames()), Map.of());
        }
        BufferedImage picture = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int y = 10; y < 46; y++) {
            for (int x = 20; x < 36; x++) {
                picture.setRGB(x, y, 0xE0E0E0); // a light, trouser-like bar on black
            }
        }
        Path png = folder.resolve("bar.png");
        ImageIO.write(picture, "png", png.toFile());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        try {
            System.setOut(new PrintStream(out, true));
            ClassifyClothing.main(new String[] {checkpoint.toString(), png.toString()});
        } finally {
            System.setOut(previous);
        }
        String printed = out.toString().trim();
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.startsWith(png.toString()), printed);
        assertTrue(MnistFormat.FASHION_MNIST.classNames().stream().anyMatch(printed::contains), printed);
        assertTrue(printed.endsWith("%"), printed);
    }
}
