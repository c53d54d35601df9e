package dev.kiln.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the benchmark measures.
 *
 * @param rounds          rounds per network (Kiln, then the peer); each figure is the median of its rounds
 * @param withPeer        whether to measure the PyTorch peer too
 * @param peerScript      a peer script to run instead of the repository's kiln_peer.py, or null
 * @param timeToAccuracy  test accuracy to train tf-mnist to, in both, or null to skip
 * @param startupRepeats  fresh JVMs per set of options for the start-up table of tf-mnist; 0 skips it
 * @param markdown        file to write the tables to, or null
 * @param command         the command line that asked for this run, for the report
 * @param asAvx2          measure as on a machine whose widest vectors are AVX2's: Kiln's JVM must
 *                        run at {@code -XX:UseAVX=2} (the launcher adds it for {@code --avx2}), and
 *                        the peer is held to AVX2
 */
public record BenchmarkSettings(String nets, String threads, String batches, double warmupSeconds, double seconds,
                                int rounds, boolean withPeer, Path peerScript, Double timeToAccuracy, int maxEpochs, Path data,
                                int startupRepeats, Path markdown, String command, boolean asAvx2) {

    /** The numbers of a comma-separated list such as {@link #threads} or {@link #batches}: "1,2" is {1, 2}. */
    static int[] numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    String[] networkNames() {
        return Arrays.stream(nets.split(",")).map(String::trim).toArray(String[]::new);
    }
}
