package dev.kiln.cli;

import dev.kiln.benchmarks.StepProfile;
import dev.kiln.networks.SeedNetworks;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Times each layer's kernels in a seed network's training step (random images, Adam 1e-3) "
                + "and prints where the step's time goes.")
final class ProfileCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class,
            description = "One of: tf-mnist, keras-mnist, pytorch-mnist, tf-16-36, lenet-like, emotion, vgg19, alexnet.")
    SeedNetworks network;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", paramLabel = "N[,N...]",
            description = "Thread counts, each profiled in turn (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--batch", defaultValue = "64", description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed training seconds first (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--seconds", defaultValue = "5", description = "Profiled seconds per thread count (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--avx2", description = "Profile as on a machine whose widest vectors are AVX2's: "
            + "at -XX:UseAVX=2 (./kiln adds it), against the 256-bit peak.")
    boolean avx2;

    @Override
    public void run() {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be 1 or more, not " + batch);
        }
        if (!network.trainable()) {
            throw new IllegalArgumentException(network.cliName() + " has no training set here; profile one of the"
                    + " networks kiln train takes: " + SeedNetworks.trainableNames());
        }
        for (int n : threads) {
            ThreadLimit.check(n, batch, network.cliName(), network.info().parameters(), Runtime.getRuntime().availableProcessors());
        }
        if (!(warmup >= 0) || !(seconds >= 0)) {
            throw new IllegalArgumentException("--warmup and --seconds must be 0 or more");
        }
        StepProfile.report(network, threads, batch, warmup, seconds, avx2, System.out);
    }
}
