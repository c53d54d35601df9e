package com.example.fashion;

import java.nio.file.Path;

/**
 * The command line of {@link FashionClassifier}.
 *
 * @param trainImages how many of the 60,000 training images to train on (the first ones)
 * @param testImages  how many of the 10,000 test images to measure accuracy on
 * @param epochs      passes over the training images
 * @param batchSize   images per training step
 * @param seed        seed of the weights, the data order and dropout
 * @param checkpoint  where the trained model is saved, and loaded back from
 * @param data        the folder holding Fashion-MNIST's four files; null: Kiln looks in its usual places
 */
record Options(int trainImages, int testImages, int epochs, int batchSize, long seed, Path checkpoint, Path data) {

    static final String USAGE = """
            usage: fashion-classifier [--train-images N] [--test-images N] [--epochs N] [--batch-size N]
                                      [--seed N] [--checkpoint FILE] [--data DIR] [--help]
              Trains FashionNet on Fashion-MNIST, saves it to the checkpoint (default fashion-net.kiln),
              loads it into a new model and classifies test images with it. Defaults: all 60,000
              training and 10,000 test images, 2 epochs, batch 64, seed 1.""";

    static final Options DEFAULTS = new Options(60_000, 10_000, 2, 64, 1, Path.of("fashion-net.kiln"), null);

    Options {
        positive("--train-images", trainImages);
        positive("--test-images", testImages);
        positive("--epochs", epochs);
        positive("--batch-size", batchSize);
    }

    /** The options of {@code args}, the defaults for those not given; an error names the option at fault. */
    static Options parse(String... args) {
        int trainImages = DEFAULTS.trainImages;
        int testImages = DEFAULTS.testImages;
        int epochs = DEFAULTS.epochs;
        int batchSize = DEFAULTS.batchSize;
        long seed = DEFAULTS.seed;
        Path checkpoint = DEFAULTS.checkpoint;
        Path data = DEFAULTS.data;
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + name + "\"");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[i + 1];
            switch (name) {
                case "--train-images" -> trainImages = count(name, value);
                case "--test-images" -> testImages = count(name, value);
                case "--epochs" -> epochs = count(name, value);
                case "--batch-size" -> batchSize = count(name, value);
                case "--seed" -> seed = number(name, value);
                case "--checkpoint" -> checkpoint = Path.of(value);
                case "--data" -> data = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new Options(trainImages, testImages, epochs, batchSize, seed, checkpoint, data);
    }

    private static int count(String name, String value) {
        long n = number(name, value);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + value + " is too large");
        }
        return (int) n;
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number, got \"" + value + "\"");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
