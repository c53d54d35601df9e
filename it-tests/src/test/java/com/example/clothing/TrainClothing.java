package com.example.clothing;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Conv;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Padding;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Normalization;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.inference.Prediction;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.CsvHistory;
import dev.kiln.runtime.train.EarlyStopping;
import dev.kiln.runtime.train.LearningRateSchedule;
import dev.kiln.runtime.train.Metric;
import dev.kiln.runtime.train.ProgressPrinter;
import dev.kiln.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/** Trains a small network on Fashion-MNIST, saves it, loads it back and classifies with it. */
public final class TrainClothing {

    @Network(input = {1, 28, 28}) // generates ClothingModel
    static class Clothing {
        @Conv(filters = 16, kernel = 5, mode = Padding.SAME, activation = Activation.RELU)
        Layer conv1;

        @MaxPool(size = 2)
        Layer pool1;

        @Dense(units = 64, activation = Activation.RELU)
        Layer fc1;

        @Dense(units = 10)
        Layer logits;
    }

    public static void main(String[] args) throws IOException {
        // The IDX files from a folder given as argument, else ~/.cache/kiln/datasets, /usr/share/datasets or a download.
        Path folder = args.length > 0 ? Path.of(args[0]) : null;
        TrainAndTest sets = DatasetLocator.standard().load(MnistFormat.FASHION_MNIST, folder);
        Dataset train = sets.train().withNormalization(Normalization.computeFrom(sets.train()));
        // Saved in the checkpoint: the image shape, the normalization and the class names.
        Preprocessing preprocessing = Preprocessing.of(train, MnistFormat.FASHION_MNIST.classNames());
        Path checkpoint = Path.of("clothing.kiln");

        try (ClothingModel model = ClothingModel.create(42)) {
            Trainer.builder(model, Adam.withLearningRate(1e-3f))
                    .epochs(5).batchSize(64).seed(1)
                    .validationSplit(0.1)                               // 10% of train to validate on
                    .checkpoint(new FileCheckpointStore(checkpoint, preprocessing), 0, false)
                    .listeners(new ProgressPrinter(System.out),
                            EarlyStopping.on(Metric.VALIDATION_LOSS, 2),  // restores the best epoch's weights
                            LearningRateSchedule.cosine(1e-3f, 5, 1e-5f),
                            new CsvHistory(Path.of("history.csv")))
                    .build()
                    .fit(train);
        }

        try (ClothingModel model = ClothingModel.create(0)) {
            Classifier classifier = Classifier.load(model, checkpoint); // weights and preprocessing
            Dataset test = sets.test();                                  // raw pixels in [0, 1]
            System.out.println(classifier.metrics(test, 64, 3));         // precision, recall, confusion, top-3
            Prediction best = classifier.classify(test.image(0), 1).get(0);
            System.out.printf("test image 0: %s (%.1f%%)%n", best.name(), 100 * best.probability());
        }
    }
}
