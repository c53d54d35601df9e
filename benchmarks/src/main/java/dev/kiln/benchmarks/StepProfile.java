package dev.kiln.benchmarks;

import dev.kiln.benchmarks.TimedKernels.Phase;
import dev.kiln.benchmarks.TimedKernels.Tally;
import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.kernels.PoolGeometry;
import dev.kiln.runtime.model.LayerInfo;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.ModelInfo;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.RandomBatch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Where a training step's time goes, layer by layer: a seed network trains on random images with
 * Adam 1e-3 (as {@code kiln bench} measures it) on kernels that time every call
 * ({@link TimedKernels}), and the report gives each layer's kernels their time per step, share of
 * the threads' time and speed, the optimizer's update ({@link TimedOptimizer}), and what the step
 * spends outside both (dropout, the loss, summing the threads' gradients, and threads waiting for
 * each other).
 *
 * <p>Timing each call costs two clock reads, about 40 ns; a step makes a few hundred to a few
 * thousand calls, so the timed step runs up to a few percent slower than an untimed one.
 */
public final class StepProfile {

    /**
     * One line of the report: a kernel of a layer, the optimizer's update, or the time outside
     * both (kernel null).
     */
    public record Line(Part part, String layer, String kernel, double millisPerStep, double share,
                       double gflopsPerThread, double callsPerStep) {
    }

    /** What a line times. */
    public enum Part { KERNEL, OPTIMIZER, OUTSIDE }

    /**
     * A measured profile: the step's wall time, the lines in the order the step first made each call,
     * and each thread's time in kernels a step (the caller's first): where one thread's is shorter,
     * it waits for the others.
     */
    public record Profile(String network, int batch, int threads, String kernels, int steps, double millisPerStep,
                          List<Line> lines, double[] kernelMillisPerThread) {

        public double imagesPerSecond() {
            return batch * 1000 / millisPerStep;
        }
    }

    private StepProfile() {
    }

    /**
     * Profiles {@code network} on each thread count in turn and prints each profile, with the
     * one-core FMA peak measured first (at the kernels' vector width); with {@code avx2}, first checks
     * that the JVM runs at {@code -XX:UseAVX=2}, as on a machine whose widest vectors are AVX2's.
     */
    public static void report(SeedNetworks network, List<Integer> threadCounts, int batch, double warmupSeconds,
                              double seconds, boolean avx2, PrintStream out) {
        if (avx2) {
            Avx2Machine.requireJvmAtAvx2();
        }
        Kernels kernels = KernelProvider.get();
        Optional<MachinePeak.Peak> peak = MachinePeak.compile().flatMap(m -> m.measure(1, kernels.vectorBits()));
        out.printf(Locale.ROOT, "FP32 FMA peak on 1 core, measured now: %.1f GFLOP/s (peak.c, %s)%n%n",
                MachinePeak.gflops(peak), MachinePeak.describe(peak));
        for (int threads : threadCounts) {
            out.println(format(measure(network, threads, batch, warmupSeconds, seconds, kernels), MachinePeak.gflops(peak)));
        }
    }

    /** Trains {@code network} for {@code warmupSeconds}, then profiles at least 3 steps and {@code seconds} of them. */
    public static Profile measure(SeedNetworks network, int threads, int batch, double warmupSeconds, double seconds) {
        return measure(network, threads, batch, warmupSeconds, seconds, KernelProvider.get());
    }

    static Profile measure(SeedNetworks network, int threads, int batch, double warmupSeconds, double seconds, Kernels kernels) {
        TimedKernels timed = new TimedKernels(kernels);
        try (Model model = network.create(1, threads, timed)) {
            RandomBatch data = RandomBatch.of(model, batch, 42);
            float[] images = data.images();
            int[] labels = data.labels();
            TimedOptimizer optimizer = new TimedOptimizer(Adam.withLearningRate(1e-3f));
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            do {
                model.trainStep(images, labels, batch, optimizer);
            } while (System.nanoTime() < warmupEnd);

            List<Tally> before = timed.snapshot();
            long[] threadsBefore = timed.nanosPerThread();
            long updateNanosBefore = optimizer.nanos(), updatesBefore = optimizer.calls();
            int steps = 0;
            long start = System.nanoTime();
            while (steps < 3 || System.nanoTime() - start < seconds * 1e9) {
                model.trainStep(images, labels, batch, optimizer);
                steps++;
            }
            long wall = System.nanoTime() - start;
            List<Tally> tallies = TimedKernels.since(before, timed.snapshot());
            long[] threadsAfter = timed.nanosPerThread();
            double[] perThread = new double[threadsAfter.length];
            for (int i = 0; i < perThread.length; i++) {
                long earlier = i < threadsBefore.length ? threadsBefore[i] : 0;
                perThread[i] = (threadsAfter[i] - earlier) / 1e6 / steps;
            }
            List<Line> lines = lines(network.info(), kernels, tallies, steps, (double) wall * threads,
                    "optimizer update (" + optimizer.name() + ")", optimizer.nanos() - updateNanosBefore, optimizer.calls() - updatesBefore);
            return new Profile(network.cliName(), batch, threads, kernels.name(), steps, wall / 1e6 / steps, lines, perThread);
        }
    }

    /** The report's lines: each kernel's, then the optimizer's updates', then the rest of the threads' time. */
    private static List<Line> lines(ModelInfo info, Kernels kernels, List<Tally> tallies, int steps, double threadNanos,
                                    String update, long updateNanos, long updates) {
        List<Line> lines = new ArrayList<>();
        double inKernels = 0;
        for (Tally t : tallies) {
            if (t.calls() == 0) {
                continue;
            }
            inKernels += t.nanos();
            double gflops = t.flops() == 0 ? Double.NaN : t.flops() / (double) t.nanos();
            lines.add(new Line(Part.KERNEL, layerOf(info, t), kernelOf(kernels, t), t.nanos() / 1e6 / steps,
                    t.nanos() / threadNanos, gflops, t.calls() / (double) steps));
        }
        lines.add(new Line(Part.OPTIMIZER, "(every parameter)", update, updateNanos / 1e6 / steps, updateNanos / threadNanos,
                Double.NaN, updates / (double) steps));
        double outside = Math.max(0, threadNanos - inKernels - updateNanos);
        lines.add(new Line(Part.OUTSIDE, "", null, outside / 1e6 / steps, outside / threadNanos, Double.NaN, Double.NaN));
        return lines;
    }

    /** "forward", "weight gradient (Winograd)", "ReLU backward" and so on. */
    static String kernelOf(Kernels kernels, Tally t) {
        String label = t.phase() == Phase.ACTIVATION_BACKWARD
                ? t.geometry().toString().toLowerCase(Locale.ROOT).replace("relu", "ReLU") + " backward"
                : t.phase().label;
        if (t.geometry() instanceof ConvGeometry g) {
            boolean winograd = switch (t.phase()) {
                case CONV_FORWARD, CONV_PACK -> kernels.convForwardIsWinograd(g);
                case CONV_INPUT_GRADIENT -> kernels.convBackwardInputIsWinograd(g);
                case CONV_WEIGHT_GRADIENT -> kernels.convBackwardWeightsIsWinograd(g);
                default -> false;
            };
            return winograd ? label + " (Winograd)" : label;
        }
        return label;
    }

    /**
     * The layer a call belongs to, found by its shape: the layers whose input (the previous layer's
     * output, or the network's input) and output match, names joined by "/" when several do (two
     * layers of one shape in a row). Element-wise calls belong to every layer with that activation.
     */
    static String layerOf(ModelInfo info, Tally t) {
        if (t.phase() == Phase.ACTIVATION_BACKWARD) {
            return "(every layer)";
        }
        StringJoiner names = new StringJoiner("/");
        int c = info.inputChannels(), h = info.inputHeight(), w = info.inputWidth();
        for (LayerInfo layer : info.layers()) {
            if (matches(layer, c, h, w, t)) {
                names.add(layer.name());
            }
            c = layer.channels();
            h = layer.height();
            w = layer.width();
        }
        return names.length() > 0 ? names.toString() : describe(t);
    }

    private static boolean matches(LayerInfo layer, int c, int h, int w, Tally t) {
        boolean output;
        boolean input;
        // Training may run a convolution on only the leading rows and columns of its output that a
        // floored pooling reads, and that pooling on them: the generated model's *_TRAINING geometries.
        if (t.geometry() instanceof ConvGeometry g) {
            output = layer.kind() == LayerInfo.Kind.CONV && layer.channels() == g.outC()
                    && layer.height() >= g.outH() && layer.width() >= g.outW();
            input = c == g.inC() && h == g.inH() && w == g.inW();
        } else if (t.geometry() instanceof PoolGeometry g) {
            output = isPool(layer.kind()) && layer.channels() == g.channels()
                    && layer.height() == g.outH() && layer.width() == g.outW();
            input = c == g.channels() && h >= g.inH() && w >= g.inW();
        } else {
            output = layer.kind() == LayerInfo.Kind.DENSE && layer.channels() == t.out();
            input = t.in() == 0 || c * h * w == t.in();     // a bias gradient knows only its outputs
        }
        return output && input;
    }

    private static boolean isPool(LayerInfo.Kind kind) {
        return kind == LayerInfo.Kind.MAX_POOL || kind == LayerInfo.Kind.AVG_POOL || kind == LayerInfo.Kind.GLOBAL_AVG_POOL;
    }

    private static String describe(Tally t) {
        if (t.geometry() instanceof ConvGeometry g) {
            return String.format(Locale.ROOT, "conv %d->%d %dx%d", g.inC(), g.outC(), g.outH(), g.outW());
        }
        if (t.geometry() instanceof PoolGeometry g) {
            return String.format(Locale.ROOT, "pool %dch %dx%d", g.channels(), g.outH(), g.outW());
        }
        return String.format(Locale.ROOT, "dense %d->%d", t.in(), t.out());
    }

    /**
     * The profile as a Markdown table, with each kernel's speed as a share of {@code corePeakGflops}
     * (one core's FMA peak; NaN prints as "n/a").
     */
    public static String format(Profile p, double corePeakGflops) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s, batch %d, %d thread%s, %s: %.2f ms a step (%.0f images/s) over %d steps%n%n",
                p.network(), p.batch(), p.threads(), p.threads() == 1 ? "" : "s", p.kernels(), p.millisPerStep(),
                p.imagesPerSecond(), p.steps()));
        s.append("| layer | kernel | ms a step (all threads) | share of the threads' time | GFLOP/s on its thread | % of a core's peak | calls a step |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Line line : p.lines()) {
            if (line.part() == Part.OUTSIDE) {
                s.append(String.format(Locale.ROOT, "| outside the kernels | dropout, loss, summing the threads' gradients, waits | %.2f | %.1f%% |  |  |  |%n",
                        line.millisPerStep(), 100 * line.share()));
                continue;
            }
            boolean timedOnly = Double.isNaN(line.gflopsPerThread());
            s.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f%% | %s | %s | %.1f |%n",
                    line.layer(), line.kernel(), line.millisPerStep(), 100 * line.share(),
                    timedOnly ? "" : String.format(Locale.ROOT, "%.1f", line.gflopsPerThread()),
                    timedOnly || Double.isNaN(corePeakGflops) ? "" : String.format(Locale.ROOT, "%.0f", 100 * line.gflopsPerThread() / corePeakGflops),
                    line.callsPerStep()));
        }
        StringJoiner perThread = new StringJoiner(", ");
        for (double millis : p.kernelMillisPerThread()) {
            perThread.add(String.format(Locale.ROOT, "%.2f", millis));
        }
        s.append(String.format(Locale.ROOT, "%nTime in kernels a step, per thread (the caller first): %s ms of %.2f.%n",
                perThread, p.millisPerStep()));
        s.append("Winograd kernels count the FLOPs of the direct computation, so their speed can pass the peak.\n");
        return s.toString();
    }
}
