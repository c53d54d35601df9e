package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch peer and the peak program are the repository's own: found in benchmarks/src/main/peer
 * and on the class path, the peer's logic passes its Python tests, and its networks are Kiln's
 * seed networks parameter by parameter. None of this needs torch; Python is Debian's.
 */
class PeerScriptTest {
    private static final Path PEER_FOLDER = Path.of("src/main/peer"); // surefire runs in the module's folder
    private static final List<SeedNetworks> BENCHMARKED = List.of(SeedNetworks.TF_MNIST, SeedNetworks.KERAS_MNIST,
            SeedNetworks.PYTORCH_MNIST, SeedNetworks.TF_16_36, SeedNetworks.LENET_LIKE, SeedNetworks.EMOTION);

    @Test
    void peerFilesAreInTheRepositoryAndOnTheClassPath() throws IOException {
        for (String name : List.of(BundledPeers.PYTORCH_PEER, BundledPeers.PEAK_SOURCE)) {
            Path inRepository = PEER_FOLDER.resolve(name);
            assertTrue(Files.isRegularFile(inRepository), inRepository + " is missing");
            Path copied = BundledPeers.file(name);
            assertEquals(Files.readString(inRepository), Files.readString(copied), name + " on the class path differs");
        }
    }

    @Test
    void peerLogicPassesItsPythonTests() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of(PyTorchPeer.PYTHON)), PyTorchPeer.PYTHON + " is not installed");
        Process tests = new ProcessBuilder(PyTorchPeer.PYTHON, "-B", "-m", "unittest", "discover", "-s", "src/test/python")
                .redirectErrorStream(true).start();
        String out = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tests.waitFor(), out);
        assertTrue(out.contains("OK"), out);
    }

    /**
     * With torch and Debian's reference BLAS (libblas3) installed, the process is made to load the
     * reference libblas.so.3 through LD_LIBRARY_PATH, whatever the system's alternative says: the
     * peer must refuse it and name the package.
     */
    @Test
    void peerRefusesTheReferenceBlasWhenTorchLoadsIt() throws IOException, InterruptedException {
        Path referenceFolder = Path.of("/usr/lib/x86_64-linux-gnu/blas");
        assumeTrue(Files.isExecutable(Path.of(PyTorchPeer.PYTHON)), PyTorchPeer.PYTHON + " is not installed");
        assumeTrue(Files.exists(referenceFolder.resolve("libblas.so.3")), "the reference BLAS (libblas3) is not installed");
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/torch")), "python3-torch is not installed");
        ProcessBuilder check = new ProcessBuilder(PyTorchPeer.PYTHON, "-B",
                BundledPeers.file(BundledPeers.PYTORCH_PEER).toString(), "check").redirectErrorStream(true);
        check.environment().put("LD_LIBRARY_PATH", referenceFolder.toString());
        Process process = check.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, process.waitFor(), out);
        assertTrue(out.contains("reference BLAS (" + referenceFolder), out);
        assertTrue(out.contains("apt-get install libopenblas0-pthread"), out);
    }

    @Test
    void peerNetworksAreKilnsSeedNetworks() throws IOException {
        assumeTrue(Files.isExecutable(Path.of(PyTorchPeer.PYTHON)), PyTorchPeer.PYTHON + " is not installed");
        Map<String, List<String>> peer = new LinkedHashMap<>();
        Map<String, Long> peerFlops = new LinkedHashMap<>();
        PyTorchPeer.of(null).run(List.of("describe"), line -> {
            String[] f = line.split("\t");
            if (!f[0].equals("net")) {
                peer.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + " " + f[2] + " l2=" + Float.parseFloat(f[3]));
                peerFlops.put(f[0], Long.parseLong(f[4]));
            }
        });
        assertEquals(BENCHMARKED.stream().map(SeedNetworks::cliName).toList(), List.copyOf(peer.keySet()));
        for (SeedNetworks network : BENCHMARKED) {
            try (Model model = network.create(1)) {
                List<String> kiln = model.parameters().stream().map(PeerScriptTest::describe).collect(Collectors.toList());
                assertEquals(kiln, peer.get(network.cliName()), network.cliName() + ": parameters");
                assertEquals(model.forwardFlops(), peerFlops.get(network.cliName()), network.cliName() + ": forward FLOPs");
            }
        }
    }

    private static String describe(Parameter p) {
        return p.name() + " " + Arrays.stream(p.pytorchShape()).mapToObj(Integer::toString).collect(Collectors.joining("x"))
                + " l2=" + p.l2();
    }
}
