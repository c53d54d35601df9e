package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.bench.JvmOptions;
import dev.kiln.samples.bench.StartupBenchmark;
import dev.kiln.samples.bench.StartupRun;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's JVM options keep the JIT warm-up short. Interpreted Vector API code allocates an
 * object per operation, so allocation shows where kernels still run in the interpreter, whatever
 * the machine's speed: started with the launcher's options, a fresh JVM training tf-mnist must
 * allocate well under half of what it allocates without Kiln's compiler directives in its first
 * step, and nothing at all once the kernels are compiled, from step 16 on at the latest (about
 * step 10 is usual). The run without directives also shows that the probe sees the interpreter.
 */
class StartupTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void launcherOptionsShortenTheInterpretedStart() throws Exception {
        StartupBenchmark probe = new StartupBenchmark(20, 64, 2);
        StartupRun launcher = probe.launch(new StartupBenchmark.Config("launcher", JvmOptions.read(ROOT)), "tf-mnist");
        StartupRun bare = probe.launch(new StartupBenchmark.Config("bare",
                List.of("--add-modules=jdk.incubator.vector", "-Dkiln.directives=false")), "tf-mnist");

        assertTrue(bare.firstStepBytes() > 100e6,
                "without directives the first step should run interpreted kernels, allocating; it allocated "
                        + bare.firstStepBytes() + " bytes");
        assertTrue(launcher.firstStepBytes() < bare.firstStepBytes() / 2,
                "first step allocated " + launcher.firstStepBytes() + " bytes under the launcher's options, "
                        + bare.firstStepBytes() + " without directives");
        assertTrue(launcher.allocatingSteps() <= 15,
                "kernels still allocating (interpreted) up to step " + launcher.allocatingSteps() + "; bytes per step: "
                        + Arrays.toString(launcher.stepBytes()));
    }
}
