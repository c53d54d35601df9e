package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.reports.ReportWriter;
import dev.kiln.reports.TrainingCharts;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.io.FileCheckpointStore;
import dev.kiln.runtime.io.ParameterNames;
import dev.kiln.runtime.io.Safetensors;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.Augmentation;
import dev.kiln.runtime.train.CsvHistory;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.KernelWarmUp;
import dev.kiln.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Trains a sample network, printing progress and each epoch's test accuracy, "
        + "and saves a checkpoint after every epoch.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class,
            description = "tf-mnist, keras-mnist, pytorch-mnist, tf-16-36, lenet-like or emotion; with --data, on any data of its "
                    + "input shape and class count.")
    SeedNetworks network;

    @Option(names = "--epochs", defaultValue = "2", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"--batch-size", "-b"}, paramLabel = "N", description = "Examples per step (default: the tutorial's).")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: every core).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, data order and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: checkpoints/NETWORK.kiln). Training resumes from it when it exists.")
    Path checkpoint;

    @Option(names = "--fresh", description = "Start over even if the checkpoint exists (it is then overwritten).")
    boolean fresh;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "0",
            description = "Also save every STEPS steps inside an epoch (default: only after each epoch).")
    int checkpointEvery;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Start from the weights of a .safetensors file (e.g. trained in PyTorch) instead of random ones; "
                    + "the optimizer starts fresh. When the checkpoint exists, add --fresh (otherwise training resumes from it).")
    Path weights;

    @Option(names = "--names", paramLabel = "MAPPING", converter = NamesOption.class,
            description = "With --weights: " + NamesOption.DESCRIPTION)
    ParameterNames names = ParameterNames.identity();

    @Option(names = "--history", paramLabel = "FILE.csv",
            description = "Write each epoch's learning rate, losses and accuracies to this CSV file.")
    Path history;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write PNGs to look at into DIR: loss and accuracy per epoch (redrawn after each), then the confusion "
                    + "matrix (also as text), misclassified test images, and the first convolution's filters and feature maps.")
    Path report;

    @Option(names = "--report-image", paramLabel = "N", defaultValue = "0",
            description = "With --report: the test image whose feature maps are drawn (default: ${DEFAULT-VALUE}).")
    int reportImage;

    @Option(names = "--augment", paramLabel = "STEPS", converter = AugmentOption.class, description = AugmentOption.DESCRIPTION)
    Augmentation augment;

    @Mixin DataOptions data = new DataOptions();
    @Mixin OptimizerOptions optimizerOptions = new OptimizerOptions();

    @Override
    public Integer call() throws Exception {
        if (!network.trainable()) {
            throw new IllegalArgumentException(network.cliName() + " is compiled and summarised only; train one of the "
                    + "networks of sections 1-6: " + SeedNetworks.trainableNames());
        }
        // Everything that can be checked before the data is loaded and the model created is checked first.
        data.check();
        int batch = batchSize == null ? network.defaultBatchSize() : batchSize;
        Path file = checkpoint == null ? network.defaultCheckpoint() : checkpoint;
        if (threads != null) {
            ThreadLimit.check(threads, batch, network.cliName(), network.info().parameters(),
                    Runtime.getRuntime().availableProcessors());
        }
        Optimizer optimizer = optimizerOptions.create(network);
        new FileCheckpointStore(file).checkWritable();
        ReportWriter reportWriter = report == null ? null : ReportFolder.open(report, reportImage);
        if (weights != null && !fresh && Files.exists(file)) {
            throw new IllegalArgumentException("training would resume from " + file + ", not start from " + weights
                    + "; add --fresh to start over from " + weights + " (the checkpoint is then overwritten)");
        }
        // The data loads on a thread of its own while the model is created and, on a throwaway copy,
        // its kernels compiled: each takes a few tenths of a second at start-up, and none needs another.
        FutureTask<TrainAndTest> loading = new FutureTask<>(() -> data.load(network));
        Thread.ofPlatform().name("kiln-data-loading").daemon().start(loading);
        try (Model model = network.create(seed)) {
            if (!loading.isDone()) {
                warmUpKernels(batch);
            }
            TrainAndTest sets = resultOf(loading);
            // The checkpoint keeps how the images were prepared, so evaluate and predict prepare theirs the same way.
            FileCheckpointStore store = new FileCheckpointStore(file, Preprocessing.of(sets.train(), sets.classNames()));
            if (threads != null) {
                model.setThreads(threads);
            }
            if (weights != null) {
                Safetensors.load(weights, model, names);
            }
            System.out.printf("kiln: training %s on %s (%,d examples; test %,d), %s, batch %d, %d thread%s%s%n",
                    network.cliName(), sets.train().name(), sets.train().size(), sets.test().size(),
                    optimizer.describe(), batch, model.threads(), model.threads() == 1 ? "" : "s",
                    augment == null ? "" : ", augmented by " + augment);
            // The test set is the validation set, measured in training-sized batches (the builder's default): the
            // model's workspaces for those serve it too, where larger batches would allocate a second, larger set
            // (about 140 MB for tf-mnist at 500).
            Trainer.Builder trainer = Trainer.builder(model, optimizer).epochs(epochs).batchSize(batch).seed(seed)
                    .checkpoint(store, checkpointEvery, !fresh).augment(augment).listeners(new ProgressDisplay());
            if (history != null) {
                trainer.listeners(new CsvHistory(history));
            }
            if (report != null) {
                trainer.listeners(new TrainingCharts(report, "test"));
            }
            var reports = trainer.build().fit(sets.train(), sets.test());
            if (!reports.isEmpty()) {
                EpochReport last = reports.get(reports.size() - 1);
                System.out.printf("kiln: test accuracy %.2f%% after %d epoch%s; checkpoint %s%n",
                        100 * last.validationAccuracy(), last.epoch(), last.epoch() == 1 ? "" : "s", file);
            } else {
                System.out.printf("kiln: %s already holds %d epochs; nothing to do (use --epochs N or --fresh)%n",
                        file, epochs);
            }
            if (reportWriter != null) {
                ReportFolder.write(reportWriter, model, sets.test(), sets.classNames(), reportImage);
            }
        }
        return 0;
    }

    /**
     * Compiles the network's kernels on a throwaway model while the data is still loading, so the
     * first steps of training do not wait for the JIT (see {@link KernelWarmUp}).
     */
    private void warmUpKernels(int batch) {
        try (Model throwaway = network.create(seed)) {
            if (threads != null) {
                throwaway.setThreads(threads);
            }
            KernelWarmUp.training(throwaway, optimizerOptions.create(network), batch);
        }
    }

    /** The task's result, or the exception it threw, as it was thrown (the command line words its errors by type). */
    private static <T> T resultOf(FutureTask<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
