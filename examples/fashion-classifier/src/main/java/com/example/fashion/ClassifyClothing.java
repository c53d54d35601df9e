package com.example.fashion;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.inference.Prediction;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * How an application embeds a trained Kiln model: load the checkpoint that {@link FashionClassifier}
 * wrote into a {@link Classifier}, then classify pictures. The checkpoint
 * carries the normalization the network was trained with and the class names, so the pixels go in
 * as they are (scaled to [0, 1]). No Python, no native library.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "target/fashion-classifier.jar:target/lib/*" com.example.fashion.ClassifyClothing fashion-net.kiln [image.png ...]
 * </pre>
 *
 * Without image files it classifies the first ten Fashion-MNIST test images.
 */
public final class ClassifyClothing {
    private ClassifyClothing() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ClassifyClothing CHECKPOINT [IMAGE ...]");
            System.exit(2);
        }
        try (FashionNetModel model = FashionNetModel.create(0)) {
            Classifier classifier = Classifier.load(model, Path.of(args[0]));
            if (args.length == 1) {
                Dataset test = DatasetLocator.standard().load(MnistFormat.FASHION_MNIST, null).test();
                for (int i = 0; i < 10; i++) {
                    print("test image " + i + " (" + MnistFormat.FASHION_MNIST.classNames().get(test.label(i)) + ")", classifier.classify(test.image(i), 1).get(0));
                }
            }
            for (int i = 1; i < args.length; i++) {
                float[] pixels = toModelInput(ImageIO.read(Path.of(args[i]).toFile()), args[i]);
                print(args[i], classifier.classify(pixels, 1).get(0));
            }
        }
    }

    private static void print(String what, Prediction best) {
        System.out.printf("%-40s %-12s %5.1f%%%n", what, best.name(), 100 * best.probability());
    }

    /**
     * A picture as the network's input: gray (0.299 R + 0.587 G + 0.114 B), resized to 28x28,
     * scaled to [0, 1]. Fashion-MNIST shows light garments on black, so a photo on a light
     * background should be inverted first.
     */
    static float[] toModelInput(BufferedImage picture, String name) throws IOException {
        if (picture == null) {
            throw new IOException(name + ": not an image format Java can read (PNG, JPEG, GIF, BMP)");
        }
        BufferedImage small = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture, 0, 0, 28, 28, null);
        g.dispose();
        float[] input = new float[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int rgb = small.getRGB(x, y);
                double gray = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
                input[y * 28 + x] = (float) (gray / 255.0);
            }
        }
        return input;
    }
}
