package dev.kiln.benchmarks;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.DatasetLocator;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.data.TrainAndTest;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.EpochReport;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kiln against the PyTorch peer on the seed networks, in one run: for each network, rounds of Kiln
 * and then the peer, so both see the same machine state, and each figure is the median of its
 * rounds, so a slow minute of a shared machine moves neither side much. Each side measures each
 * network in a process of its own (Kiln's rounds in a child JVM, {@link KilnRounds}), as a user's
 * training run or server holds one network. Prints Markdown tables.
 */
public final class Benchmark {
    private final BenchmarkSettings settings;
    private final StringBuilder report = new StringBuilder();

    public Benchmark(BenchmarkSettings settings) {
        this.settings = settings;
    }

    public void run() throws IOException {
        if (settings.asAvx2()) {
            Avx2Machine.requireJvmAtAvx2();
        }
        Optional<PyTorchPeer> peer = settings.withPeer() ? Optional.of(PyTorchPeer.of(settings.peerScript())) : Optional.empty();
        if (settings.asAvx2()) {
            peer = peer.map(PyTorchPeer::heldToAvx2);
        }
        // Before any timing: a peer that cannot run, or would run on the reference BLAS, stops the
        // benchmark with what to install, rather than after minutes of Kiln's figures.
        List<String> peerEnvironment = peer.isPresent() ? peer.get().check(settings.threads()) : List.of();
        StolenTime peakStolen = new StolenTime();
        peakStolen.start();
        MachinePeaks peak = measurePeak();
        peakStolen.stop();
        emit(header(peer, peerEnvironment, peak, peakStolen));
        for (String name : settings.networkNames()) {
            emit(measure(SeedNetworks.byName(name), peer, peak).render());
        }
        if (settings.startupRepeats() > 0) {
            emit(startup());
        }
        if (settings.timeToAccuracy() != null) {
            emit(timeToAccuracy(peer));
        }
        if (settings.markdown() != null) {
            Files.writeString(settings.markdown(), report.toString());
            System.out.println("written to " + settings.markdown());
        }
    }

    private void emit(String text) {
        System.out.println(text);
        System.out.flush();
        report.append(text).append('\n');
    }

    /** The start-up table of tf-mnist, batch 64 on 2 threads, as {@code kiln startup} prints it. */
    private String startup() throws IOException {
        Path root = Repository.root();
        try {
            StartupBenchmark startup = new StartupBenchmark(
                    StartupBenchmark.DEFAULT_STEPS, StartupBenchmark.DEFAULT_BATCH, StartupBenchmark.DEFAULT_THREADS);
            List<StartupBenchmark.Config> configs = StartupBenchmark.standardConfigs(root);
            if (settings.asAvx2()) {
                configs = configs.stream().map(Avx2Machine::config).toList();
            }
            return startup.measure(configs,
                    SeedNetworks.TF_MNIST.cliName(), settings.startupRepeats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while measuring the start-up", e);
        }
    }

    /** The FP32 FMA peak on 1 and 2 threads, with FMAs as wide as the kernels' vectors. */
    private record MachinePeaks(Optional<MachinePeak.Peak> one, Optional<MachinePeak.Peak> two) {
        /** GFLOP/s on this many threads; NaN when not measured, so a share of it prints as NaN, never as a wrong figure. */
        double gflops(int threads) {
            return threads == 1 ? MachinePeak.gflops(one) : threads == 2 ? MachinePeak.gflops(two) : Double.NaN;
        }
    }

    private static MachinePeaks measurePeak() {
        Optional<MachinePeak> machine = MachinePeak.compile();
        int bits = dev.kiln.runtime.kernels.KernelProvider.get().vectorBits();
        return new MachinePeaks(machine.flatMap(m -> m.measure(1, bits)), machine.flatMap(m -> m.measure(2, bits)));
    }

    private String header(Optional<PyTorchPeer> peer, List<String> peerEnvironment, MachinePeaks peak, StolenTime peakStolen) {
        String peerText = peer.isEmpty() ? "not run (--no-peer)"
                : "`" + peer.get().scriptName() + "`; " + String.join("; ", peerEnvironment);
        return String.format(Locale.ROOT, """
                ## Kiln benchmark, %s

                - command: `%s`
                - machine: %s, %d cores; JDK %s; kernels: %s
                - PyTorch peer: %s%s
                - FP32 FMA peak measured now: %.0f GFLOP/s on 1 thread, %.0f on 2 (peak.c, %s); CPU time stolen \
                by the hypervisor meanwhile: %s
                - each figure is the median of %d rounds (per network: Kiln, then PyTorch, each side in a process \
                of its own for the network); in a round, the median step time over %.0f s after a %.0f s warm-up (1 s \
                after the first round); training on random data with Adam 1e-3
                """,
                LocalDate.now(), settings.command(), cpuModel(), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                dev.kiln.runtime.kernels.KernelProvider.get().name(), peerText,
                settings.asAvx2() ? "\n- measured as on a machine whose widest vectors are AVX2's (--avx2): Kiln's JVM at "
                        + Avx2Machine.JVM_OPTION + ", the peer held to AVX2, the peak at 256 bits" : "",
                peak.gflops(1), peak.gflops(2),
                MachinePeak.describe(peak.one()), peakStolen.describe(), settings.rounds(), settings.seconds(), settings.warmupSeconds());
    }

    private Table measure(SeedNetworks network, Optional<PyTorchPeer> peer, MachinePeaks peak) throws IOException {
        List<List<KilnRow>> kilnRounds = new ArrayList<>();
        List<List<PyTorchPeer.Speed>> peerRounds = new ArrayList<>();
        StolenTime kilnStolen = new StolenTime(), peerStolen = new StolenTime();
        long flops = network.info().forwardFlops();
        Table table = new Table(String.format(Locale.ROOT, "%s (%.1f forward MFLOP per image)", network.cliName(), flops / 1e6));
        // Kiln in a JVM of its own per network, as the peer runs in a process of its own (see KilnRounds).
        try (KilnProcess kiln = KilnProcess.start(network.cliName(), settings)) {
            for (int round = 0; round < settings.rounds(); round++) {
                kilnStolen.start();
                kilnRounds.add(kiln.awaitRound());
                kilnStolen.stop();
                peerStolen.start();
                peerRounds.add(peer.isPresent()
                        ? peer.get().speed(network.cliName(), settings.threads(), settings.batches(), settings.seconds())
                        : List.of());
                peerStolen.stop();
                if (round + 1 < settings.rounds()) {
                    kiln.startNextRound();
                }
            }
        }
        List<KilnRow> rows = KilnRow.medians(kilnRounds);
        fill(table, rows, medianSpeeds(peerRounds), flops, peak);
        table.kilnOnly("heap bytes allocated per training step",
                rows.stream().filter(row -> row.batch() > 0).map(KilnRow::describeTraining).collect(Collectors.joining("; ")));
        table.both("CPU time the hypervisor gave to other guests during each side's rounds (/proc/stat steal; "
                + "figures taken at more than a few percent are not comparable with a quiet run's)",
                kilnStolen.describe(), peer.isPresent() ? peerStolen.describe() : "");
        return table;
    }

    /** The peer's figures, each the median over the rounds of the same thread count and batch. */
    static List<PyTorchPeer.Speed> medianSpeeds(List<List<PyTorchPeer.Speed>> rounds) {
        List<PyTorchPeer.Speed> combined = new ArrayList<>();
        for (PyTorchPeer.Speed first : rounds.get(0)) {
            List<PyTorchPeer.Speed> same = rounds.stream().flatMap(List::stream)
                    .filter(s -> s.threads() == first.threads() && s.batch() == first.batch()).toList();
            combined.add(new PyTorchPeer.Speed(first.net(), first.threads(), first.batch(),
                    Timing.median(same.stream().mapToDouble(PyTorchPeer.Speed::trainImagesPerSecond).toArray()),
                    Timing.median(same.stream().mapToDouble(PyTorchPeer.Speed::singleImageMicros).toArray()),
                    Timing.median(same.stream().mapToDouble(PyTorchPeer.Speed::batch256ImagesPerSecond).toArray()),
                    same.stream().map(PyTorchPeer.Speed::forms).distinct().collect(Collectors.joining("; "))));
        }
        return combined;
    }

    private void fill(Table table, List<KilnRow> rows, List<PyTorchPeer.Speed> theirs, long flops, MachinePeaks peak) {
        for (KilnRow row : rows) {
            String thr = row.threads() + (row.threads() == 1 ? " thread" : " threads");
            if (row.batch() > 0) {
                double peerValue = theirs.stream().filter(s -> s.threads() == row.threads() && s.batch() == row.batch())
                        .mapToDouble(PyTorchPeer.Speed::trainImagesPerSecond).findFirst().orElse(Double.NaN);
                table.compare("training images/s, batch " + row.batch() + ", " + thr, row.first(), peerValue, "%.0f");
                double gflops = row.first() * 3 * flops / 1e9;
                double peerGflops = peerValue * 3 * flops / 1e9;
                double share = gflops / peak.gflops(row.threads());
                table.compare(String.format(Locale.ROOT, "training GFLOP/s (3x forward), batch %d, %s; Kiln at %.0f%% of peak",
                        row.batch(), thr, 100 * share), gflops, peerGflops, "%.1f");
                theirs.stream().filter(s -> s.threads() == row.threads() && s.batch() == row.batch() && !s.forms().isEmpty())
                        .findFirst().ifPresent(s -> table.both("how PyTorch ran, batch " + row.batch() + ", " + thr
                                + " (the fastest of its options in a short trial, each round)", "", s.forms()));
            } else {
                PyTorchPeer.Speed any = theirs.stream().filter(s -> s.threads() == row.threads()).findFirst().orElse(null);
                table.compare("1-image inference latency µs, on the calling thread, model at " + thr + " (lower is better)", row.first(),
                        any == null ? Double.NaN : any.singleImageMicros(), "%.0f");
                table.compare("batch-256 inference images/s, " + thr, row.second(),
                        any == null ? Double.NaN : any.batch256ImagesPerSecond(), "%.0f");
                table.kilnOnly("heap bytes allocated per 1-image prediction, " + thr, String.format(Locale.ROOT, "%.0f", row.third()));
            }
        }
    }

    /** Trains tf-mnist on Fashion-MNIST in both (Adam 1e-3, batch 64, 2 threads) and compares the time to the target accuracy. */
    private String timeToAccuracy(Optional<PyTorchPeer> peer) throws IOException {
        double target = settings.timeToAccuracy();
        TrainAndTest data = DatasetLocator.standard().load(MnistFormat.FASHION_MNIST, settings.data());
        List<EpochReport> ours;
        try (Model model = SeedNetworks.TF_MNIST.create(1)) {
            model.setThreads(2);
            Trainer trainer = new Trainer(model, Adam.withLearningRate(1e-3f),
                    TrainingConfig.of(settings.maxEpochs(), 64, 1), null, null);
            ours = trainer.fit(data.train(), data.test());
        }
        List<PyTorchPeer.Epoch> theirs = peer.isPresent() ? peer.get().accuracy("tf-mnist", settings.maxEpochs(), settings.data())
                : List.of();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "### tf-mnist on Fashion-MNIST: wall time to %.1f%% test accuracy (Adam 1e-3, batch 64, 2 threads)%n%n"
                        + "| epoch | Kiln s | Kiln test acc | PyTorch s | PyTorch test acc |%n|---:|---:|---:|---:|---:|%n", 100 * target));
        double kilnTime = Double.NaN, peerTime = Double.NaN, kilnSum = 0, peerSum = 0;
        for (int e = 0; e < Math.max(ours.size(), theirs.size()); e++) {
            EpochReport k = e < ours.size() ? ours.get(e) : null;
            PyTorchPeer.Epoch p = e < theirs.size() ? theirs.get(e) : null;
            if (k != null) {
                kilnSum += k.seconds();
                if (Double.isNaN(kilnTime) && k.validationAccuracy() >= target) {
                    kilnTime = kilnSum;
                }
            }
            if (p != null) {
                peerSum += p.seconds();
                if (Double.isNaN(peerTime) && p.testAccuracy() >= target) {
                    peerTime = peerSum;
                }
            }
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", e + 1,
                    k == null ? "" : String.format(Locale.ROOT, "%.1f", k.seconds()),
                    k == null ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * k.validationAccuracy()),
                    p == null ? "" : String.format(Locale.ROOT, "%.1f", p.seconds()),
                    p == null ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * p.testAccuracy())));
        }
        out.append(String.format(Locale.ROOT, "%nTime to %.1f%% (training time, evaluated after each epoch): Kiln %s, PyTorch %s%s%n",
                100 * target, seconds(kilnTime), seconds(peerTime),
                Double.isNaN(kilnTime) || Double.isNaN(peerTime) ? "" : String.format(Locale.ROOT, ", Kiln/PyTorch %.2f", kilnTime / peerTime)));
        return out.toString();
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "not reached" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
