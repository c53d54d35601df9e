package dev.kiln.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command line: train, evaluate and benchmark the sample networks. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        version = "kiln 0.1.0",
        description = "Trains, evaluates and benchmarks the Kiln sample networks.",
        subcommands = {
            NetworksCommand.class,
            SummaryCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KilnCommand {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new KilnCommand());
        // A user's mistake (no data, bad checkpoint, ...) is one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("kiln: " + UserErrors.describe(e));
            if (Boolean.getBoolean("kiln.debug")) {
                e.printStackTrace(command.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
