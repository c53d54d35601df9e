package dev.kiln.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's FP32 FMA peak: the repository's {@code peak.c}, compiled with gcc at run time and
 * run on 1 or more threads, with FMAs as wide as the kernels' vectors: the peak the kernels could
 * reach. (Under {@code -XX:UseAVX=2} or {@code -XX:MaxVectorSize=32} on an AVX-512 machine the
 * kernels run on 256-bit vectors; a share of the 512-bit peak would halve their figures.) For
 * scalar kernels the program picks the widest FMA the CPU has (AVX-512, AVX2 or 128-bit FMA3).
 */
final class MachinePeak {
    private static final Pattern LINE = Pattern.compile(
            "isa=(.+?) bits=(\\d+) threads=(\\d+) median=([0-9.]+) min=([0-9.]+) max=([0-9.]+)");

    /** One measurement: the instruction set used, its vector width, and the median GFLOP/s over its repeats. */
    record Peak(String isa, int bits, int threads, double gflops) {
        static Peak parse(String output) {
            Matcher m = LINE.matcher(output);
            if (!m.find()) {
                throw new IllegalArgumentException("peak printed no result line: " + output.strip());
            }
            return new Peak(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Double.parseDouble(m.group(4)));
        }
    }

    private final Path binary;

    private MachinePeak(Path binary) {
        this.binary = binary;
    }

    /**
     * Compiles the bundled {@code peak.c}; empty, with the reason on standard error, when gcc is
     * missing or fails.
     */
    static Optional<MachinePeak> compile() {
        return compile(BundledPeers.file(BundledPeers.PEAK_SOURCE));
    }

    static Optional<MachinePeak> compile(Path source) {
        try {
            Path binary = Files.createTempDirectory("kiln-peak").resolve("peak");
            List<String> command = List.of("gcc", "-O2", "-o", binary.toString(), source.toString(), "-lpthread");
            Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                System.err.println("kiln: the FMA peak is not measured: " + String.join(" ", command) + " failed:\n" + out);
                return Optional.empty();
            }
            binary.toFile().deleteOnExit();
            binary.getParent().toFile().deleteOnExit();
            return Optional.of(new MachinePeak(binary));
        } catch (IOException e) {
            System.err.println("kiln: the FMA peak is not measured: gcc could not be run (" + e.getMessage()
                    + "); install it with apt-get install gcc");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The peak on {@code threads} threads with FMAs vectorBits wide (512, 256 or 128; any other
     * value, such as the scalar kernels' 0, asks for the CPU's widest); empty, with the reason on
     * standard error, when the run fails.
     */
    Optional<Peak> measure(int threads, int vectorBits) {
        String width = vectorBits == 512 || vectorBits == 256 || vectorBits == 128 ? Integer.toString(vectorBits) : "auto";
        try {
            Process run = new ProcessBuilder(binary.toString(), Integer.toString(threads), width).redirectErrorStream(true).start();
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = run.waitFor();
            if (exit != 0) {
                System.err.println("kiln: the FMA peak program exited with status " + exit + ": " + out.strip());
                return Optional.empty();
            }
            return Optional.of(Peak.parse(out));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("kiln: the FMA peak could not be measured: " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** GFLOP/s of a measurement, NaN when there is none (so shares of it print as NaN rather than as a wrong figure). */
    static double gflops(Optional<Peak> peak) {
        return peak.map(Peak::gflops).orElse(Double.NaN);
    }

    /** "avx2+fma, 256-bit" for the report; "not measured" when there is none. */
    static String describe(Optional<Peak> peak) {
        return peak.map(p -> p.isa() + ", " + p.bits() + "-bit FMAs").orElse("not measured");
    }
}
