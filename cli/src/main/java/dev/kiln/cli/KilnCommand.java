package dev.kiln.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command line: train, evaluate and benchmark the sample networks. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        version = "kiln 0.1.0",
        description = "Trains, evaluates, runs and benchmarks the Kiln sample networks, and exchanges their weights as safetensors.")
public final class KilnCommand {

    /** The subcommands, in the order {@code kiln --help} lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
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
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The command line with every subcommand (see {@link #commandLine(String...)}). */
    public static CommandLine commandLine() {
        return withErrorHandling(withSubcommands(SUBCOMMANDS));
    }

    /**
     * The command line that runs {@code args}. When the first argument names a subcommand, only that
     * one is built: picocli reads every option of every subcommand it is given by reflection, and the
     * thirteen others took 80-100 ms of each start (a fifth of the JVM's time to a command's first
     * line). Anything else (no arguments, an option, {@code help}, a mistyped name) gets them all, so
     * the help lists them and a typo is answered with the names it resembles.
     */
    public static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> subcommand : SUBCOMMANDS) {
                if (subcommand != CommandLine.HelpCommand.class && nameOf(subcommand).equals(args[0])) {
                    return withErrorHandling(withSubcommands(List.of(subcommand)));
                }
            }
        }
        return commandLine();
    }

    private static String nameOf(Class<?> subcommand) {
        return subcommand.getAnnotation(Command.class).name();
    }

    private static CommandLine withSubcommands(List<Class<?>> subcommands) {
        CommandLine cli = new CommandLine(new KilnCommand());
        for (Class<?> subcommand : subcommands) {
            cli.addSubcommand(subcommand);
        }
        return cli;
    }

    /**
     * Kiln's error handling: a user's mistake, or running out of memory, is one clear line, not a
     * stack trace.
     */
    private static CommandLine withErrorHandling(CommandLine cli) {
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
