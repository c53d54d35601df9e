package dev.kiln.cli;

import dev.kiln.benchmarks.Benchmark;
import dev.kiln.benchmarks.BenchmarkSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures Kiln and the PyTorch peer on the seed networks in one run, interleaved, "
        + "and prints a table per network with the ratio Kiln/PyTorch of each figure.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--nets", defaultValue = "tf-mnist,keras-mnist,pytorch-mnist,tf-16-36,lenet-like,emotion",
            description = "Networks to measure (default: ${DEFAULT-VALUE}).")
    String nets;

    @Option(names = "--threads", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    String threads;

    @Option(names = "--batches", defaultValue = "64,128", description = "Training batch sizes (default: ${DEFAULT-VALUE}).")
    String batches;

    @Option(names = "--seconds", defaultValue = "3", description = "Timed seconds per figure (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up seconds per figure (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds per network, Kiln then PyTorch in each; every figure is the median of its rounds. "
                    + "Speeds on a shared machine drift for seconds at a time (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--peer", paramLabel = "FILE",
            description = "A PyTorch peer script to run instead of the repository's benchmarks/src/main/peer/kiln_peer.py.")
    Path peer;

    @Option(names = "--no-peer", description = "Measure Kiln only.")
    boolean noPeer;

    @Option(names = "--time-to-accuracy", paramLabel = "ACCURACY",
            description = "Also train tf-mnist on Fashion-MNIST in both and report the wall time to reach this test accuracy, e.g. 0.89.")
    Double timeToAccuracy;

    @Option(names = "--max-epochs", defaultValue = "3", description = "Epochs at most for --time-to-accuracy (default: ${DEFAULT-VALUE}).")
    int maxEpochs;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST folder for --time-to-accuracy.")
    Path data;

    @Option(names = "--startup-repeats", defaultValue = "3",
            description = "Fresh JVMs per set of JVM options for the start-up table (as `kiln startup`); 0 skips it (default: ${DEFAULT-VALUE}).")
    int startupRepeats;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the tables as Markdown to FILE.")
    Path markdown;

    @Option(names = "--avx2", description = "Measure as on a machine whose widest vectors are AVX2's: Kiln at -XX:UseAVX=2 "
            + "(./kiln adds it), PyTorch held to AVX2 in ATen, oneDNN and OpenBLAS, the peak at 256 bits.")
    boolean avx2;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The top-level parse result holds every argument, the subcommand's name included.
        String command = "./kiln " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        BenchmarkSettings settings = new BenchmarkSettings(nets, threads, batches, warmup, seconds, rounds,
                !noPeer, peer, timeToAccuracy, maxEpochs, data, startupRepeats, markdown, command.trim(), avx2);
        new Benchmark(settings).run();
        return 0;
    }
}
