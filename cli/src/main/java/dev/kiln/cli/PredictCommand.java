package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.inference.Prediction;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classifies image files with a trained checkpoint "
        + "and prints each one's most probable classes by name. Each image is prepared as the model's training images were "
        + "(the checkpoint's saved preprocessing): decoded (PNG, JPEG, BMP, GIF), converted to the network's channels "
        + "(colour to gray as 0.299 R + 0.587 G + 0.114 B, gray repeated into RGB), resized whole to its input size with a "
        + "bilinear filter, scaled to [0, 1] and normalized as saved.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
            description = "A checkpoint of a seed network, e.g. checkpoints/emotion.kiln; the network is told from it.")
    Path checkpoint;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Classes shown per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        Checkpoint saved = Checkpoints.load(checkpoint);
        SeedNetworks network = SeedNetworks.byArchitecture(saved.architecture()).orElseThrow(() -> new IllegalArgumentException(
                checkpoint + " holds a " + saved.modelName() + ", which is none of the seed networks (" + SeedNetworks.names()
                        + "); classify with your own network through Classifier.load(model, file).classify(image, k)"));
        int classes = network.info().classes();
        if (top < 1 || top > classes) {
            throw new IllegalArgumentException("--top " + top + ": give 1 to " + classes + " (" + network.cliName() + " has "
                    + classes + " classes)");
        }
        try (Model model = network.create(0)) {
            Classifier classifier = Classifier.load(model, saved);
            System.out.println(describe(network, model.step(), classifier));
            for (Path image : images) {
                printBlock(image, classifier.classify(image, top));
            }
        }
        return 0;
    }

    private static String describe(SeedNetworks network, long step, Classifier classifier) {
        Preprocessing preprocessing = classifier.preprocessing();
        return String.format(Locale.ROOT, "kiln: %s (step %d), images prepared as %dx%dx%d%s%s", network.cliName(), step,
                preprocessing.channels(), preprocessing.height(), preprocessing.width(),
                preprocessing.normalization() == null ? "" : ", " + preprocessing.normalization(),
                classifier.preprocessingKnown() ? "" : " (the checkpoint predates saved preprocessing: no normalization, no names)");
    }

    /** The file, then one line per class: rank, name and probability. */
    private static void printBlock(Path image, List<Prediction> best) {
        int width = best.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        StringBuilder block = new StringBuilder(image.toString()).append('\n');
        for (int i = 0; i < best.size(); i++) {
            Prediction p = best.get(i);
            block.append(String.format(Locale.ROOT, "  %d. %-" + width + "s  %s%n", i + 1, p.name(), probability(p.probability())));
        }
        System.out.print(block);
    }

    /** How a probability is printed: six decimals, the same whatever the locale. */
    static String probability(float probability) {
        return String.format(Locale.ROOT, "%.6f", probability);
    }
}
