package dev.kiln.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * How a training run starts: in fresh JVMs, the first steps of a sample network against its steady
 * steps, and what they allocate, under the launcher's JVM options and under plainer ones. This is
 * where the Vector API's warm-up trap shows: until C2 has compiled a kernel it runs in the
 * interpreter, ~100x slower, allocating an object per vector operation.
 */
public final class StartupBenchmark {
    /** What {@code kiln startup} and the start-up section of {@code kiln bench} measure unless told otherwise. */
    public static final int DEFAULT_STEPS = 30, DEFAULT_BATCH = 64, DEFAULT_THREADS = 2;

    /** A set of JVM options to start the probe with. */
    public record Config(String name, List<String> jvmOptions) {}

    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final String classPath = System.getProperty("java.class.path");
    private final int steps;
    private final int batch;
    private final int threads;

    public StartupBenchmark(int steps, int batch, int threads) {
        if (steps < StartupRun.OPENING_STEPS + StartupRun.STEADY_STEPS) {
            throw new IllegalArgumentException("steps must be at least " + (StartupRun.OPENING_STEPS + StartupRun.STEADY_STEPS));
        }
        this.steps = steps;
        this.batch = batch;
        this.threads = threads;
    }

    private static final String MODULE = "--add-modules=jdk.incubator.vector";

    /** The launcher's options, what an application gets with only the module added, and that without Kiln's directives. */
    public static List<Config> standardConfigs(Path root) throws IOException {
        return List.of(launcher(root), new Config("only `" + MODULE + "` (the runtime adds the directives)", List.of(MODULE)),
                withoutDirectives());
    }

    /** The options of {@code ./kiln}, from {@code jvm.options}. */
    public static Config launcher(Path root) throws IOException {
        return new Config("`./kiln` (" + JvmOptions.FILE + ")", JvmOptions.read(root));
    }

    /** Only the module, and the runtime told not to install its directives: the plain interpreter-then-C2 start. */
    public static Config withoutDirectives() {
        return new Config("only `" + MODULE + "`, `-Dkiln.directives=false`", List.of(MODULE, "-Dkiln.directives=false"));
    }

    /** Starts the probe in a fresh JVM with these options. */
    public StartupRun launch(Config config, String network) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(config.jvmOptions());
        command.addAll(List.of("-cp", classPath, StartupProbe.class.getName(),
                network, String.valueOf(steps), String.valueOf(batch), String.valueOf(threads)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("the start-up probe did not finish: " + String.join(" ", command));
        }
        List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
        if (process.exitValue() != 0) {
            throw new IOException("the start-up probe failed (" + process.exitValue() + "):\n" + String.join("\n", lines));
        }
        return StartupRun.parse(lines);
    }

    /** {@code repeats} fresh JVMs per config, the configs taking turns; a Markdown table of medians. */
    public String measure(List<Config> configs, String network, int repeats) throws IOException, InterruptedException {
        List<List<StartupRun>> runs = new ArrayList<>();
        configs.forEach(c -> runs.add(new ArrayList<>()));
        for (int r = 0; r < repeats; r++) {
            for (int c = 0; c < configs.size(); c++) {
                runs.get(c).add(launch(configs.get(c), network));
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """
                ### Start-up: %s, batch %d, %d thread%s, fresh JVMs (median of %d each)

                | JVM options | JVM start to model ready, ms | first step, ms | first %d steps, ms | steady step, ms | warm-up cost: first %d steps beyond steady, ms | allocated by step 1, MB | by steps 2-%d, MB | steps that allocate |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|
                """, network, batch, threads, threads == 1 ? "" : "s", repeats, StartupRun.OPENING_STEPS,
                StartupRun.OPENING_STEPS, StartupRun.OPENING_STEPS));
        for (int c = 0; c < configs.size(); c++) {
            List<StartupRun> r = runs.get(c);
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.1f | %.0f | %.1f | %.1f | %.0f |%n",
                    configs.get(c).name(),
                    median(r, StartupRun::readyMillis), median(r, StartupRun::firstStepMillis),
                    median(r, StartupRun::openingMillis), median(r, StartupRun::steadyStepMillis),
                    median(r, StartupRun::excessMillis), median(r, StartupRun::firstStepBytes) / 1e6,
                    median(r, StartupRun::laterOpeningBytes) / 1e6, median(r, StartupRun::allocatingSteps)));
        }
        out.append(String.format(Locale.ROOT, """

                "Steps that allocate" counts the steps up to the last one that allocated %d KB or more; a step
                of compiled kernels allocates nothing, an interpreted kernel allocates per vector operation.
                """, (int) (StartupRun.COMPILED_BYTES / 1024)));
        return out.toString();
    }

    private static double median(List<StartupRun> runs, ToDoubleFunction<StartupRun> figure) {
        return Timing.median(runs.stream().mapToDouble(figure).toArray());
    }
}
