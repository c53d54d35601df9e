package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupRunTest {

    /** 20 steps: the first two slow and allocating, then 40 ms each, step 5 allocating a little. */
    private static List<String> probeOutput() {
        List<String> lines = new ArrayList<>(List.of("WARNING: Using incubator modules: jdk.incubator.vector", "ready 450"));
        for (int i = 0; i < 20; i++) {
            long nanos = i == 0 ? 600_000_000L : i == 1 ? 100_000_000L : 40_000_000L;
            long bytes = i == 0 ? 300_000_000L : i == 1 ? 2_000_000L : i == 4 ? 70_000L : 0L;
            lines.add("step " + i + " " + nanos + " " + bytes);
        }
        return lines;
    }

    @Test
    void drawsTheFiguresFromTheProbeOutput() {
        StartupRun run = StartupRun.parse(probeOutput());
        assertEquals(450, run.readyMillis());
        assertEquals(600, run.firstStepMillis(), 1e-9);
        assertEquals(40, run.steadyStepMillis(), 1e-9);
        assertEquals(600 + 100 + 8 * 40, run.openingMillis(), 1e-9);
        assertEquals(600 + 100 + 8 * 40 - 10 * 40, run.excessMillis(), 1e-9);
        assertEquals(300e6, run.firstStepBytes());
        assertEquals(2_070_000, run.laterOpeningBytes());
        assertEquals(5, run.allocatingSteps(), "step 5 allocated 70 KB, over the 64 KB a compiled step stays under");
    }

    @Test
    void rejectsOutputWithTooFewSteps() {
        List<String> lines = probeOutput().subList(0, 12);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StartupRun.parse(lines));
        assertEquals(true, e.getMessage().contains("step 9"), e.getMessage());
    }
}
