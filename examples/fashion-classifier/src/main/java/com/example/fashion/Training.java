package com.example.fashion;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingListener;
import java.util.List;

/**
 * Trains a model with Kiln's training loop: Adam, shuffled batches, the checkpoint saved after every
 * epoch with the images' shape and Fashion-MNIST's class names, so that a {@code Classifier} loaded
 * from it (see {@link ClassifyClothing}) answers with the names.
 */
final class Training {
    static final float LEARNING_RATE = 1e-3f;

    private Training() {}

    /**
     * Trains {@code model} on {@code train} for the options' epochs, measuring accuracy on
     * {@code test} after each, and leaves the trained model in the options' checkpoint (written
     * afresh: an existing file there is replaced, not resumed from).
     */
    static List<EpochReport> run(Model model, Dataset train, Dataset test, Options options, TrainingListener listener) {
        Trainer trainer = Trainer.builder(model, Adam.withLearningRate(LEARNING_RATE))
                .epochs(options.epochs())
                .batchSize(options.batchSize())
                .seed(options.seed())
                .checkpoint(new FileCheckpointStore(options.checkpoint(),
                        Preprocessing.of(train, MnistFormat.FASHION_MNIST.classNames())), 0, false)
                .listeners(listener)
                .build();
        return trainer.fit(train, test);
    }
}
