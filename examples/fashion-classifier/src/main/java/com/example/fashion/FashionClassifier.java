package com.example.fashion;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.model.Predictions;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.TrainingListener;
import java.io.IOException;
import java.util.List;

/**
 * Trains {@link FashionNet} on Fashion-MNIST, saves it, loads the checkpoint into a new model and
 * classifies test images with that one, as an application that ships a trained model would.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar target/fashion-classifier.jar --train-images 5000 --epochs 1
 * </pre>
 */
public final class FashionClassifier {
    private static final List<String> CLASSES = MnistFormat.FASHION_MNIST.classNames();
    private static final int PREDICTIONS_SHOWN = 5;

    private FashionClassifier() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fashion-classifier: " + e.getMessage() + "\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (IOException e) {
            System.err.println("fashion-classifier: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(Options options) throws IOException {
        // "vector(...)" when the JVM runs with --add-modules jdk.incubator.vector; "scalar" otherwise.
        System.out.println("Kiln kernels: " + KernelProvider.get().name());
        TrainAndTest fashion = DatasetLocator.standard().load(MnistFormat.FASHION_MNIST, options.data());
        Dataset train = fashion.train().first(Math.min(options.trainImages(), fashion.train().size()));
        Dataset test = fashion.test().first(Math.min(options.testImages(), fashion.test().size()));

        try (FashionNetModel model = FashionNetModel.create(options.seed())) {
            System.out.printf("training FashionNet (%,d parameters) on %,d images, %d epoch%s, batch %d, %d thread%s%n",
                    FashionNetModel.INFO.parameters(), train.size(), options.epochs(), options.epochs() == 1 ? "" : "s",
                    options.batchSize(), model.threads(), model.threads() == 1 ? "" : "s");
            Training.run(model, train, test, options, new TrainingListener() {
                @Override
                public void epochDone(EpochReport report) {
                    System.out.printf("epoch %d: loss %.4f, test accuracy %.2f%% (%,d images in %.1f s)%n", report.epoch(),
                            report.trainLoss(), 100 * report.validationAccuracy(), report.images(), report.seconds());
                }
            });
        }

        // A new model, as another program would make it: its weights all come from the checkpoint.
        try (FashionNetModel model = FashionNetModel.create(0)) {
            Checkpoints.load(options.checkpoint()).restoreInto(model, null);
            System.out.printf("loaded %s: test accuracy %.2f%% on %,d images%n", options.checkpoint(),
                    100 * Evaluation.accuracy(model, test, 500), test.size());
            float[] probabilities = new float[model.classes()];
            for (int i = 0; i < Math.min(PREDICTIONS_SHOWN, test.size()); i++) {
                model.predict(test.image(i), probabilities);
                int best = Predictions.argmax(probabilities, 0, probabilities.length);
                System.out.printf("test image %d: %-11s %5.1f%%   (labelled %s)%n", i, CLASSES.get(best),
                        100 * probabilities[best], CLASSES.get(test.label(i)));
            }
        }
    }
}
