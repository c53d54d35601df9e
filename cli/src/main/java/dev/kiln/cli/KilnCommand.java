package dev.kiln.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command line: train, evaluate and benchmark the sample networks. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        version = "kiln 0.1.0",
        description = "Trains, evaluates, runs and benchmarks the Kiln sample networks, and exchanges their weights as safetensors.",
        subcommands = {
            NetworksCommand.class,
            SummaryCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            KernelsCommand.class,
            ProfileCommand.class,
            StartupCommand.class,
            GradientsCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KilnCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with Kiln's error handling: a user's mistake, or running out of memory, is one
     * clear line, not a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KilnCommand());
        // picocli hands only Exceptions to the handler below and lets Errors through; out of memory
        // is the one Error a user causes (and can fix), so it goes to the handler too.
        cli.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) {
                List<CommandLine> chain = parsed.asCommandLineList();
                throw new CommandLine.ExecutionException(chain.get(chain.size() - 1), "out of memory", e);
            }
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("kiln: " + UserErrors.describe(e));
            if (Boolean.getBoolean("kiln.debug")) {
                e.printStackTrace(command.getErr());
            }
            return 1;
        });
        return cli;
    }
}
