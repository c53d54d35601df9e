package dev.kiln.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The exit code and error output of one run of the kiln command line, in this JVM. */
record CommandRun(int exitCode, String err) {

    static CommandRun of(CommandLine cli, String... args) {
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new CommandRun(exitCode, err.toString());
    }

    /** Runs {@code args} on the command line {@code kiln} builds for them, as its main method does. */
    static CommandRun of(String... args) {
        return of(KilnCommand.commandLine(args), args);
    }

    /** Runs {@code args}, requires exit code 0, and returns what the command printed on standard output. */
    static String output(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        CommandRun run;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            run = of(args);
        } finally {
            System.setOut(previous);
        }
        if (run.exitCode() != 0) {
            throw new AssertionError("exit code " + run.exitCode() + ":\n" + run.err() + "\n" + out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Runs {@code args}, requires exit code 1, and returns its one error line (see {@link #errorLine}). */
    static String failure(String... args) {
        CommandRun run = of(args);
        if (run.exitCode() != 1) {
            throw new AssertionError("exit code " + run.exitCode() + ", not 1:\n" + run.err());
        }
        return run.errorLine();
    }

    /** The error output, which must be exactly one line, without "kiln: " and the line end. */
    String errorLine() {
        String text = err.strip();
        if (!text.startsWith("kiln: ") || text.contains("\n")) {
            throw new AssertionError("not one 'kiln: ' line but:\n" + err);
        }
        return text.substring("kiln: ".length());
    }
}
