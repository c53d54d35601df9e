package dev.kiln.benchmarks;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.RandomBatch;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The child process of {@link StartupBenchmark}: in a fresh JVM, creates a sample network and
 * trains it on random data, printing when the model was ready and, per step, its time and the
 * heap bytes the step allocated. Lines: {@code ready <ms since JVM start>}, then
 * {@code step <index> <nanoseconds> <bytes>}.
 */
public final class StartupProbe {
    private StartupProbe() {}

    public static void main(String[] args) {
        SeedNetworks network = SeedNetworks.byName(args[0]);
        int steps = Integer.parseInt(args[1]), batch = Integer.parseInt(args[2]), threads = Integer.parseInt(args[3]);
        try (Model model = network.create(1)) {
            model.setThreads(threads);
            RandomBatch examples = RandomBatch.of(model, batch, 1);
            float[] images = examples.images();
            int[] labels = examples.labels();
            Optimizer optimizer = Adam.withLearningRate(1e-3f);
            System.out.printf(Locale.ROOT, "ready %d%n", ManagementFactory.getRuntimeMXBean().getUptime());
            for (int step = 0; step < steps; step++) {
                long start = System.nanoTime();
                double bytes = Allocation.perCall(model, () -> model.trainStep(images, labels, batch, optimizer), 1);
                System.out.printf(Locale.ROOT, "step %d %d %.0f%n", step, System.nanoTime() - start, bytes);
            }
        }
    }
}
