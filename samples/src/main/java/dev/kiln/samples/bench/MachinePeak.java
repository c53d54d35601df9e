package dev.kiln.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine's FP32 FMA peak, measured by compiling and running the peers' {@code peak.c} with gcc. */
final class MachinePeak {
    private static final Pattern MEDIAN = Pattern.compile("median\\s+([0-9.]+)\\s+GFLOP/s");

    private final Path binary;

    private MachinePeak(Path binary) {
        this.binary = binary;
    }

    /** Compiles {@code peak.c} (beside the peer script) into a temporary folder; empty without gcc or the source. */
    static Optional<MachinePeak> compile(Path peakSource) {
        if (peakSource == null || !Files.isRegularFile(peakSource)) {
            return Optional.empty();
        }
        try {
            Path binary = Files.createTempDirectory("kiln-peak").resolve("peak");
            Process gcc = new ProcessBuilder("gcc", "-O2", "-mavx512f", "-mfma", "-o", binary.toString(),
                    peakSource.toString(), "-lpthread").redirectErrorStream(true).start();
            gcc.getInputStream().readAllBytes();
            return gcc.waitFor() == 0 ? Optional.of(new MachinePeak(binary)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Median GFLOP/s with 512-bit FMAs on {@code threads} threads; NaN when the run fails. */
    double gflops(int threads) {
        try {
            Process run = new ProcessBuilder(binary.toString(), Integer.toString(threads), "512").redirectErrorStream(true).start();
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            run.waitFor();
            Matcher m = MEDIAN.matcher(out);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
