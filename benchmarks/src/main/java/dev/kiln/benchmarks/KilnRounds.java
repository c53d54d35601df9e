package dev.kiln.benchmarks;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Kiln's rounds of one network, in a JVM of their own, as {@code kiln train} runs one network: the
 * JIT compiles the shared kernels for this network's shapes only. (Measured one after another in
 * one JVM, the kernels compiled for the networks before ran tf-16-36's training 28% slower and its
 * batch-256 inference 29% slower than in a fresh JVM, pytorch-mnist's 20% slower: profile
 * pollution, which the PyTorch peer, one process per network and round, never sees.)
 *
 * <p>Prints each round's {@link KilnRow}s and {@link #ROUND_DONE}, then waits for a line on its
 * standard input before the next round, so that the benchmark can run the peer's round meanwhile
 * on an idle machine.
 */
public final class KilnRounds {
    static final String ROUND_DONE = "kiln-round-done";

    private KilnRounds() {
    }

    /** Arguments: network, thread counts (1,2), batch sizes (64), first warm-up s, measured s, rounds. */
    public static void main(String[] args) throws IOException {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: KilnRounds NETWORK THREADS BATCHES WARMUP_SECONDS SECONDS ROUNDS");
        }
        SeedNetworks network = SeedNetworks.byName(args[0]);
        int[] threads = BenchmarkSettings.numbers(args[1]), batches = BenchmarkSettings.numbers(args[2]);
        double warmupSeconds = Double.parseDouble(args[3]), seconds = Double.parseDouble(args[4]);
        int rounds = Integer.parseInt(args[5]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Model model = network.create(1)) {
            for (int round = 0; round < rounds; round++) {
                // The kernels are compiled after the first round's warm-ups; later rounds only settle the caches.
                double warmup = round == 0 ? warmupSeconds : Math.min(warmupSeconds, 1);
                for (KilnRow row : measure(model, new KilnSpeed(warmup, seconds), threads, batches)) {
                    System.out.println(row.toLine());
                }
                System.out.println(ROUND_DONE);
                System.out.flush();
                if (round + 1 < rounds && in.readLine() == null) {
                    return;         // the benchmark went away
                }
            }
        }
    }

    /** One round of Kiln's figures: training at each thread count and batch, then inference. */
    static List<KilnRow> measure(Model model, KilnSpeed kiln, int[] threadCounts, int[] batches) {
        List<KilnRow> rows = new ArrayList<>();
        for (int threads : threadCounts) {
            model.setThreads(threads);
            for (int batch : batches) {
                KilnSpeed.Training t = kiln.training(model, batch);
                rows.add(new KilnRow(threads, batch, t.imagesPerSecond(), Double.NaN, t.bytesPerStep()));
            }
            KilnSpeed.Inference inference = kiln.inference(model);
            rows.add(new KilnRow(threads, 0, inference.singleImageMicros(), inference.batch256ImagesPerSecond(),
                    inference.bytesPerPrediction()));
        }
        return rows;
    }
}
