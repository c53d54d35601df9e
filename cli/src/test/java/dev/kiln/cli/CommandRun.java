package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The exit code and error output of one run of the kiln command line, in this JVM. */
record CommandRun(int exitCode, String err) {

    static CommandRun of(CommandLine cli, String... args) {
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new CommandRun(exitCode, err.toString());
    }

    static CommandRun of(String... args) {
        return of(KilnCommand.commandLine(), args);
    }

    /** What a run that must succeed prints on standard output; fails with its error output otherwise. */
    static String printed(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            CommandRun run = of(args);
            if (run.exitCode() != 0) {
                throw new AssertionError("exit code " + run.exitCode() + ": " + run.err());
            }
        } finally {
            System.setOut(previous);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
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
