package dev.kiln.cli;

import dev.kiln.benchmarks.GradientDump;
import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.inference.Classifier;
import dev.kiln.runtime.model.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "gradients", mixinStandardHelpOptions = true,
        description = {"Writes one training step's gradients, with the weights and the batch, for a float64 "
                + "reference to check: /usr/bin/python3 tools/gradient_accuracy.py DIR compares them and PyTorch float32 "
                + "against PyTorch float64."})
final class GradientsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class, description = "A sample network.")
    SeedNetworks network;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write into.")
    Path out;

    @Option(names = "--batch", defaultValue = "64", description = "Examples in the step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights and of the batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Start from this checkpoint's weights (e.g. after kiln train) instead of the initial ones.")
    Path checkpoint;

    @Override
    public Integer call() throws Exception {
        try (Model model = network.create(seed)) {
            if (checkpoint != null) {
                Classifier.load(model, checkpoint);     // trained weights: predictions far from uniform
            }
            model.setThreads(threads);
            GradientDump.write(model, batch, seed, out);
        }
        System.out.println("wrote " + network.cliName() + "'s gradients at batch " + batch + " on " + threads
                + " threads to " + out);
        return 0;
    }
}
