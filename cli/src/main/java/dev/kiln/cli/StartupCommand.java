package dev.kiln.cli;

import dev.kiln.benchmarks.JvmOptions;
import dev.kiln.benchmarks.Repository;
import dev.kiln.benchmarks.StartupBenchmark;
import dev.kiln.networks.SeedNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Starts training in fresh JVMs, with the launcher's JVM options and with plainer ones, and reports "
                + "how much longer the first steps take than steady ones and what they allocate (the JIT warm-up).")
final class StartupCommand implements Callable<Integer> {
    @Option(names = "--net", defaultValue = "tf-mnist", converter = NetworkOption.class,
            description = "Network to train (default: ${DEFAULT-VALUE}).")
    SeedNetworks net;

    @Option(names = "--repeats", defaultValue = "3", description = "Fresh JVMs per set of options (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--steps", defaultValue = "" + StartupBenchmark.DEFAULT_STEPS, description = "Training steps per JVM (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"--batch-size", "-b"}, defaultValue = "" + StartupBenchmark.DEFAULT_BATCH, description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "" + StartupBenchmark.DEFAULT_THREADS, description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--compare", paramLabel = "FILE",
            description = "Also start with the JVM options in FILE (the format of jvm.options); may be repeated.")
    List<Path> compare = new ArrayList<>();

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table to FILE.")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        Path root = Repository.root();
        StartupBenchmark benchmark = new StartupBenchmark(steps, batch, threads);
        List<StartupBenchmark.Config> configs = new ArrayList<>(StartupBenchmark.standardConfigs(root));
        for (Path file : compare) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--compare: no such file: " + file.toAbsolutePath());
            }
            configs.add(new StartupBenchmark.Config("`" + file.getFileName() + "`", JvmOptions.parse(Files.readAllLines(file), root)));
        }
        String table = benchmark.measure(configs, net.cliName(), repeats);
        System.out.println(table);
        if (markdown != null) {
            Files.writeString(markdown, table);
            System.out.println("written to " + markdown);
        }
        return 0;
    }
}
