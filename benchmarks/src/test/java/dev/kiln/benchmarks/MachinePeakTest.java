package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MachinePeakTest {

    @Test
    void readsTheResultLine() {
        MachinePeak.Peak peak = MachinePeak.Peak.parse("isa=avx2+fma bits=256 threads=2 median=181.3 min=170.0 max=190.2\n");
        assertEquals(new MachinePeak.Peak("avx2+fma", 256, 2, 181.3), peak);
        assertEquals("avx2+fma, 256-bit FMAs", MachinePeak.describe(Optional.of(peak)));
        assertEquals("not measured", MachinePeak.describe(Optional.empty()));
        assertTrue(Double.isNaN(MachinePeak.gflops(Optional.empty())));
    }

    @Test
    void refusesOutputWithoutAResult() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MachinePeak.Peak.parse("Illegal instruction (core dumped)"));
        assertTrue(e.getMessage().contains("Illegal instruction"), e.getMessage());
    }

    /**
     * The bundled peak.c compiles without -m flags and measures the widest FMA that /proc/cpuinfo
     * lists when the kernels are scalar, and the kernels' width when they are vectors.
     */
    @Test
    void compilesAndMeasuresTheWidestFmaOfThisCpu() throws IOException {
        assumeTrue(gccRuns(), "gcc is not installed");
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo");
        String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
        assumeTrue(flags.contains(" fma "), "this CPU has no FMA3");
        int widest = flags.contains(" avx512f ") ? 512 : flags.contains(" avx2 ") ? 256 : 128;

        MachinePeak machine = MachinePeak.compile().orElseThrow(() -> new AssertionError("peak.c did not compile"));
        MachinePeak.Peak peak = machine.measure(1, 0).orElseThrow(() -> new AssertionError("peak did not run"));
        System.out.println("MachinePeakTest: " + peak);
        assertEquals(widest, peak.bits(), peak.toString());
        assertEquals(1, peak.threads());
        assertTrue(peak.gflops() > 0 && Double.isFinite(peak.gflops()), peak.toString());

        for (int bits = 128; bits <= widest; bits *= 2) {
            MachinePeak.Peak at = machine.measure(1, bits).orElseThrow(() -> new AssertionError("peak did not run"));
            assertEquals(bits, at.bits(), at.toString());
            assertTrue(at.gflops() > 0 && Double.isFinite(at.gflops()), at.toString());
        }
    }

    private static boolean gccRuns() {
        try {
            Process gcc = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            gcc.getInputStream().readAllBytes();
            return gcc.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
