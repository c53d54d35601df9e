package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.bench.StartupBenchmark;
import dev.kiln.samples.bench.StartupRun;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The warm-up trap stays closed: started with the launcher's JVM options, a fresh JVM training
 * tf-mnist runs compiled kernels, which allocate nothing, from the third step on at the latest,
 * and keeps allocating nothing to the end. Interpreted Vector API code allocates per operation,
 * so allocation shows where kernels still run in the interpreter whatever the machine's speed.
 * The same probe without Kiln's directives must show that allocation, or the probe would be
 * measuring nothing.
 */
class StartupTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void kernelsReachC2WithinTheFirstStepsUnderTheLauncherOptions() throws Exception {
        StartupBenchmark probe = new StartupBenchmark(20, 64, 2);
        StartupRun launcher = probe.launch(StartupBenchmark.launcher(ROOT), "tf-mnist");
        StartupRun bare = probe.launch(StartupBenchmark.withoutDirectives(), "tf-mnist");

        assertTrue(bare.firstStepBytes() > 100e6,
                "without directives the first step should run interpreted kernels, allocating; it allocated "
                        + bare.firstStepBytes() + " bytes");
        assertTrue(launcher.allocatingSteps() <= 3,
                "kernels still allocating (interpreted) up to step " + launcher.allocatingSteps() + "; bytes per step: "
                        + Arrays.toString(launcher.stepBytes()));
    }
}
