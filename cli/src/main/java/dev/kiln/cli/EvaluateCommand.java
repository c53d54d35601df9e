package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.reports.ReportWriter;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.train.Examples;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Test accuracy of a saved checkpoint, "
        + "on test images prepared as the checkpoint's training images were (its saved normalization).")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class, description = "The network the checkpoint is of.")
    SeedNetworks network;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Default: checkpoints/NETWORK.kiln.")
    Path checkpoint;

    @Option(names = "--report", paramLabel = "DIR", arity = "0..1", fallbackValue = "", preprocessor = ReportFolderOrNetwork.class,
            description = "Also print top-3 accuracy, each class's precision and recall, and the confusion matrix; with DIR "
                    + "(--report=DIR), also write PNGs into DIR: the confusion matrix as a heat map, misclassified test images, "
                    + "and the first convolution's filters and feature maps.")
    String report;

    @Option(names = "--report-image", paramLabel = "N", defaultValue = "0",
            description = "With --report DIR: the test image whose feature maps are drawn (default: ${DEFAULT-VALUE}).")
    int reportImage;

    @Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
        Path file = checkpoint == null ? network.defaultCheckpoint() : checkpoint;
        ReportWriter reportWriter = report == null || report.isEmpty() ? null : ReportFolder.open(Path.of(report), reportImage);
        TrainAndTest sets = data.loadForTesting(network);
        Examples.requireNonEmpty(sets.test(), "test");
        try (Model model = network.create(0)) {
            Classifier classifier = Classifier.load(model, file);
            double accuracy = classifier.accuracy(sets.test(), 500);
            System.out.printf("%s (step %d): test accuracy %.2f%% on %,d examples of %s%s%n",
                    network.cliName(), model.step(), 100 * accuracy, sets.test().size(), sets.test().name(),
                    !classifier.preprocessingKnown() ? " (the checkpoint predates saved preprocessing: images as given)"
                            : classifier.preprocessing().normalization() == null ? ""
                            : ", " + classifier.preprocessing().normalization() + " as saved");
            if (report != null) {
                System.out.println(classifier.metrics(sets.test(), 500, 3));
            }
            if (reportWriter != null) {
                List<String> names = classifier.preprocessing().classNames().isEmpty() ? sets.classNames()
                        : classifier.preprocessing().classNames();
                ReportFolder.write(reportWriter, model, classifier.prepare(sets.test()), names, reportImage);
            }
        }
        return 0;
    }
}
