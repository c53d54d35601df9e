package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded run must give the same bits whether a kernel is still interpreted or already compiled
 * by C2; otherwise a run resumed from a checkpoint (cold kernels) drifts from the uninterrupted
 * one. The kernels in this JVM are long warm, so {@link KernelDeterminismProbe} runs in a fresh
 * JVM: every kernel method cold, then after enough calls for C2, compared bit for bit. The test
 * also reads the JVM's compilation log, so it fails if the hot results did not come from C2
 * code and the comparison proved nothing.
 */
class KernelDeterminismTest {

    private static final int CALLS = 1500;
    /** The SIMD methods whose C2 code must have produced the hot results. */
    private static final List<String> MUST_REACH_C2 = List.of(
            "VectorTiles::forwardNx2", "VectorTiles::forward7x1", "VectorTiles::weightsNx2",
            "VectorTiles::weights7x1", "VectorDense::streamBlock",
            "VectorPooling::windowMax", "VectorActivations::relu", "VectorActivations::reluBackward",
            "PackedDense::streamBlock2", "PackedDense::streamBlock1", "PackedDense::streamBlock8", "ConvInputGradient::scatter",
            "WinogradConv::transformInput", "WinogradConv::spreadGradient",
            "WinogradConv::outputTile",
            "VectorTiles::packedRows8", "VectorTiles::packedRows8x3", "VectorTiles::panelRowsNx2");
    /** A PrintCompilation line of a tier-4 (C2) compile of a kernel method. */
    private static final Pattern C2_LINE =
            Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s4\\s+dev\\.kiln\\.runtime\\.kernels\\.(\\w+::\\w+)");

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void coldAndC2CompiledKernelsGiveTheSameBits(String kernels) throws Exception {
        List<String> lines = runProbe(kernels);
        List<String> diffs = new ArrayList<>();
        int same = 0;
        Set<String> compiled = new TreeSet<>();
        for (String line : lines) {
            if (line.startsWith("DIFF ")) diffs.add(line);
            if (line.startsWith("SAME ")) same++;
            Matcher m = C2_LINE.matcher(line);
            if (m.find() && !line.contains("made not")) compiled.add(m.group(1));
        }
        assertEquals(List.of(), diffs, "results that changed once compiled");
        assertTrue(same >= 100, "too few cases ran: " + same + "\n" + String.join("\n", lines));
        if (kernels.equals("vector")) {
            for (String method : MUST_REACH_C2) {
                assertTrue(compiled.contains(method), method + " never reached C2; compiled: " + compiled);
            }
        }
    }

    private static List<String> runProbe(String kernels) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // -Xbatch: each compilation finishes before the call that triggered it goes on, so after
        // CALLS calls the compiled code is in place rather than still queued.
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xbatch",
                "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
                KernelDeterminismProbe.class.getName(), kernels, String.valueOf(CALLS))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }
}
