package dev.kiln.samples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the PyTorch peer script ({@code shared/peers/pytorch_peer.py}) and reads its tab-separated
 * lines. The script tunes its own environment (one OpenBLAS thread, fixed malloc thresholds).
 */
final class PyTorchPeer {
    private final Path script;

    PyTorchPeer(Path script) {
        this.script = script;
    }

    /** The folder of the peers' scripts and {@code peak.c}: {@code ../shared/peers} beside the repository. */
    static Path peersFolder(Path repositoryRoot) {
        return repositoryRoot.toAbsolutePath().normalize().resolveSibling("shared").resolve("peers");
    }

    /** The peer script beside the repository, if there is one. */
    static Optional<PyTorchPeer> find(Path repositoryRoot, Path given) {
        Path candidate = given != null ? given : peersFolder(repositoryRoot).resolve("pytorch_peer.py");
        return Files.isRegularFile(candidate) ? Optional.of(new PyTorchPeer(candidate)) : Optional.empty();
    }

    Path script() {
        return script;
    }

    /** One line of {@code speed}: a network at one thread count and batch size. */
    record Speed(String net, int threads, int batch, double trainImagesPerSecond, double singleImageMicros,
                 double batch256ImagesPerSecond) {}

    List<Speed> speed(String net, String threads, String batches, double seconds) throws IOException {
        List<Speed> rows = new ArrayList<>();
        run(List.of("speed", "--nets", net, "--threads", threads, "--batches", batches,
                "--seconds", String.format(Locale.ROOT, "%.1f", seconds)), fields -> {
            if (fields.length >= 7 && !fields[0].equals("net")) {
                rows.add(new Speed(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                        Double.parseDouble(fields[3]), Double.parseDouble(fields[5]), Double.parseDouble(fields[6])));
            }
        });
        return rows;
    }

    /** One line of {@code accuracy}: an epoch's wall time and the test accuracy after it. */
    record Epoch(int epoch, double seconds, double trainLoss, double testAccuracy) {}

    List<Epoch> accuracy(String net, int epochs, Path data) throws IOException {
        List<Epoch> rows = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("accuracy", "--net", net, "--epochs", Integer.toString(epochs)));
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        run(args, fields -> {
            if (fields.length >= 5 && !fields[0].equals("net")) {
                rows.add(new Epoch(Integer.parseInt(fields[1]), Double.parseDouble(fields[2]),
                        Double.parseDouble(fields[3]), Double.parseDouble(fields[4])));
            }
        });
        return rows;
    }

    private void run(List<String> args, Consumer<String[]> onLine) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The peer README: these two must not be set while timing.
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_L2_SIZE");
        Process process = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                onLine.accept(line.split("\t"));
            }
        }
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException("the PyTorch peer exited with status " + exit + ": " + String.join(" ", command)
                        + " (is python3-torch installed? apt-get install python3-torch python3-numpy)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch peer", e);
        }
    }
}
