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

    @Option(names = "--avx2", description = "Time the kernels as on a machine whose widest vectors are AVX2's: "
            + "at -XX:UseAVX=2 (./kiln adds it), against the 256-bit peak.")
    boolean avx2;

    @Override
    public void run() {
        KernelBenchmark.main(new String[] {
            String.format(Locale.ROOT, "%s", warmup), String.format(Locale.ROOT, "%s", seconds), filter, avx2 ? "avx2" : ""});
    }
}
