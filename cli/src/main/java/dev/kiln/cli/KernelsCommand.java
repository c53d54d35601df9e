package dev.kiln.cli;

import dev.kiln.benchmarks.KernelBenchmark;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Times each kernel on the seed networks' layer shapes, one thread, in GFLOP/s.")
final class KernelsCommand implements Runnable {
    @Option(names = "--warmup", defaultValue = "6", description = "Warm-up seconds before timing (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--seconds", defaultValue = "1", description = "Timed seconds per kernel (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--filter", defaultValue = "", paramLabel = "REGEX", description = "Only kernels whose name matches.")
    String filter;

    @Override
    public void run() {
        KernelBenchmark.main(new String[] {
            String.format(Locale.ROOT, "%s", warmup), String.format(Locale.ROOT, "%s", seconds), filter});
    }
}
