package dev.kiln.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's side of {@link KilnRounds}: a child JVM with this JVM's options and class path
 * (so {@code --avx2}'s options too), asked for one round at a time.
 */
final class KilnProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path errors;

    private KilnProcess(List<String> command, Process process, Path errors) {
        this.command = command;
        this.process = process;
        this.errors = errors;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the rounds of one network; the first begins at once. */
    static KilnProcess start(String network, BenchmarkSettings settings) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KilnRounds.class.getName(), network,
                settings.threads(), settings.batches(), Double.toString(settings.warmupSeconds()),
                Double.toString(settings.seconds()), Integer.toString(settings.rounds())));
        Path errors = Files.createTempFile("kiln-rounds", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        return new KilnProcess(command, process, errors);
    }

    /** The rows of the round under way, once it is done. */
    List<KilnRow> awaitRound() throws IOException {
        List<KilnRow> rows = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals(KilnRounds.ROUND_DONE)) {
                return rows;
            }
            if (KilnRow.isRow(line)) {
                rows.add(KilnRow.parse(line));
            }
        }
        throw failure("ended before its round was done");
    }

    /** Lets the next round begin. */
    void startNextRound() throws IOException {
        in.write("next\n");
        in.flush();
    }

    private IOException failure(String what) throws IOException {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String stderr = Files.readString(errors, StandardCharsets.UTF_8).strip();
        return new IOException("Kiln's benchmark JVM " + what + " (" + String.join(" ", command) + "):\n"
                + (stderr.isEmpty() ? "(no message)" : stderr));
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
