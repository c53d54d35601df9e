package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.benchmarks.StartupBenchmark;
import dev.kiln.benchmarks.StartupRun;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The warm-up trap stays closed: started with the launcher's JVM options, a fresh JVM training
 * tf-mnist leaves the interpreter within the first step. Interpreted Vector API code allocates per
 * operation, so allocation shows how much kernel work still ran interpreted, whatever the
 * machine's speed or load. The trap, as it was, allocated over 200 MB in steps 2 to 10 and kept
 * on to about step 10; the bounds below leave room for a small kernel that C2 compiles a step
 * late on a busy machine, and none for the trap. The same probe without Kiln's directives must
 * show the trap, or the probe would be measuring nothing.
 */
class StartupTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** What steps 2 to 10 may allocate together: a twelfth of what the trap allocated there. */
    private static final double LATER_OPENING_BYTES = 16e6;

    @Test
    void kernelsReachC2WithinTheFirstStepUnderTheLauncherOptions() throws Exception {
        StartupBenchmark probe = new StartupBenchmark(20, 64, 2);
        StartupRun launcher = probe.launch(StartupBenchmark.launcher(ROOT), "tf-mnist");
        StartupRun bare = probe.launch(StartupBenchmark.withoutDirectives(), "tf-mnist");

        assertTrue(bare.firstStepBytes() > 100e6,
                "without directives the first step should run interpreted kernels, allocating; it allocated "
                        + bare.firstStepBytes() + " bytes");
        assertTrue(bare.laterOpeningBytes() >= LATER_OPENING_BYTES,
                "without directives steps 2 to 10 should still run interpreted or C1 kernels; they allocated "
                        + bare.laterOpeningBytes() + " bytes, so the bound below would not catch the trap");
        String perStep = "; bytes per step: " + Arrays.toString(launcher.stepBytes());
        assertTrue(launcher.laterOpeningBytes() < LATER_OPENING_BYTES,
                "kernels still ran interpreted after the first step" + perStep);
        assertTrue(launcher.allocatingSteps() <= StartupRun.OPENING_STEPS,
                "kernels still allocating (interpreted) at step " + launcher.allocatingSteps() + perStep);
    }
}
