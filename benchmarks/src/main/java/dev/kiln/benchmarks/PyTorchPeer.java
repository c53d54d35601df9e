package dev.kiln.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs the PyTorch peer, the repository's {@code kiln_peer.py} (or a script given with
 * {@code --peer}), with Debian's Python, and reads its tab-separated lines. The script tunes its
 * own environment and refuses to measure PyTorch on a slow BLAS; lines starting with {@code #}
 * describe that environment.
 */
final class PyTorchPeer {
    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL = "apt-get install -y python3-torch python3-numpy libopenblas0-pthread";

    private final Path script;
    private final String shownAs;
    private final boolean avx2;

    PyTorchPeer(Path script) {
        this(script, script.toString(), false);
    }

    private PyTorchPeer(Path script, String shownAs, boolean avx2) {
        this.script = script;
        this.shownAs = shownAs;
        this.avx2 = avx2;
    }

    /** The peer script carried by the repository, or {@code given} when there is one. */
    static PyTorchPeer of(Path given) {
        return given != null ? new PyTorchPeer(given)
                : new PyTorchPeer(BundledPeers.file(BundledPeers.PYTORCH_PEER), "benchmarks/src/main/peer/" + BundledPeers.PYTORCH_PEER, false);
    }

    /**
     * This peer with torch held to AVX2 (the script's {@code KILN_PEER_ISA=avx2}: ATen, oneDNN and
     * OpenBLAS), to measure beside Kiln's kernels on AVX2 as on a machine that has nothing wider.
     */
    PyTorchPeer heldToAvx2() {
        return new PyTorchPeer(script, shownAs, true);
    }

    /** Where the script comes from, for the report: its place in the repository, or the path given with --peer. */
    String scriptName() {
        return shownAs;
    }

    /**
     * The environment the peer measures in (torch's version, BLAS, threads, oneDNN); throws with
     * what is missing when torch cannot run, or runs on the reference BLAS.
     */
    List<String> check(String threads) throws IOException {
        List<String> environment = new ArrayList<>();
        run(List.of("check", "--threads", threads), line -> {
            if (line.startsWith("#")) {
                environment.add(line.substring(1).trim());
            }
        });
        return environment;
    }

    /**
     * One line of {@code speed}: a network at one thread count and batch size. forms says how the
     * peer ran it, each the fastest of its options in a short trial: the training layout (NCHW or
     * channels_last) and the form (eager or TorchScript) of its 1-image and 256-image predictions.
     */
    record Speed(String net, int threads, int batch, double trainImagesPerSecond, double singleImageMicros,
                 double batch256ImagesPerSecond, String forms) {}

    List<Speed> speed(String net, String threads, String batches, double seconds) throws IOException {
        List<Speed> rows = new ArrayList<>();
        run(List.of("speed", "--nets", net, "--threads", threads, "--batches", batches,
                "--seconds", String.format(Locale.ROOT, "%.1f", seconds)), line -> {
            String[] fields = line.split("\t");
            if (!line.startsWith("#") && fields.length >= 7 && !fields[0].equals("net")) {
                rows.add(new Speed(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                        Double.parseDouble(fields[3]), Double.parseDouble(fields[5]), Double.parseDouble(fields[6]),
                        fields.length >= 11 ? "trains in " + fields[8] + ", 1 image " + fields[9] + ", 256 images " + fields[10] : ""));
            }
        });
        return rows;
    }

    /** One line of {@code accuracy}: an epoch's training wall time and the test accuracy after it. */
    record Epoch(int epoch, double seconds, double trainLoss, double testAccuracy) {}

    List<Epoch> accuracy(String net, int epochs, Path data) throws IOException {
        List<Epoch> rows = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("accuracy", "--net", net, "--epochs", Integer.toString(epochs)));
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        run(args, line -> {
            String[] fields = line.split("\t");
            if (!line.startsWith("#") && fields.length >= 5 && !fields[0].equals("net")) {
                rows.add(new Epoch(Integer.parseInt(fields[1]), Double.parseDouble(fields[2]),
                        Double.parseDouble(fields[3]), Double.parseDouble(fields[4])));
            }
        });
        return rows;
    }

    /** Runs the script with these arguments, hands each line of its output on, and fails with its error output. */
    void run(List<String> args, Consumer<String> onLine) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(args);
        Path errors = Files.createTempFile("kiln-peer", ".err");
        try {
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
                // Only --avx2 holds the peer to AVX2, not a variable left in the caller's environment.
                if (avx2) {
                    builder.environment().put("KILN_PEER_ISA", "avx2");
                } else {
                    builder.environment().remove("KILN_PEER_ISA");
                }
                process = builder.start();
            } catch (IOException e) {
                throw new IOException("the PyTorch peer needs " + PYTHON + ", which cannot be run (" + e.getMessage()
                        + "): " + INSTALL + "; or pass --no-peer to measure Kiln alone", e);
            }
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    onLine.accept(line);
                }
            }
            int exit = process.waitFor();
            String stderr = Files.readString(errors, StandardCharsets.UTF_8).strip();
            if (exit != 0) {
                throw new IOException("the PyTorch peer cannot measure (" + String.join(" ", command) + " exited with status "
                        + exit + "):\n" + (stderr.isEmpty() ? "(no message)" : stderr)
                        + "\nThe benchmark needs: " + INSTALL + ". Or pass --no-peer to measure Kiln alone.");
            }
            if (!stderr.isEmpty()) {
                System.err.println(stderr);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch peer", e);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
