package dev.kiln.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kiln bench --avx2} and {@code kiln kernels --avx2}: measured as on a machine whose widest
 * vectors are AVX2's, on an AVX-512 machine. Kiln's kernels then run on 256-bit vectors and 16 registers, which
 * HotSpot gives at {@code -XX:UseAVX=2} (at {@code -XX:MaxVectorSize=32} it would keep AVX-512's
 * 32 registers, which no AVX2 machine has); the peer is held to AVX2 by its script.
 */
final class Avx2Machine {
    static final String JVM_OPTION = "-XX:UseAVX=2";

    private Avx2Machine() {
    }

    /** Fails, saying how to start it, unless this JVM generates AVX2 code and nothing wider. */
    static void requireJvmAtAvx2() {
        String level;
        try {
            level = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("UseAVX").getValue();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("--avx2 needs a HotSpot JVM on x86, whose UseAVX level can be read (" + e + ")");
        }
        if (!level.equals("2")) {
            throw new IllegalStateException("--avx2 needs Kiln's JVM at " + JVM_OPTION + ", and this one runs at -XX:UseAVX="
                    + level + (level.matches("[01]") ? " (this CPU has no AVX2)" : "")
                    + ": start it through ./kiln with --avx2, which adds the option, or with KILN_JAVA_OPTS=" + JVM_OPTION);
        }
    }

    /** The start-up table's JVM options with {@link #JVM_OPTION} added. */
    static StartupBenchmark.Config config(StartupBenchmark.Config config) {
        List<String> options = new ArrayList<>(config.jvmOptions());
        options.add(JVM_OPTION);
        return new StartupBenchmark.Config(config.name() + ", " + JVM_OPTION, options);
    }
}
