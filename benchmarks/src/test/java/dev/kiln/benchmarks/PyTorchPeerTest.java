package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How kiln bench reads a peer and reports one that cannot measure, with stand-in peer scripts. */
class PyTorchPeerTest {
    @TempDir Path folder;

    @BeforeEach
    void python() {
        assumeTrue(Files.isExecutable(Path.of(PyTorchPeer.PYTHON)), PyTorchPeer.PYTHON + " is not installed");
    }

    private PyTorchPeer peer(String python) throws IOException {
        return new PyTorchPeer(Files.writeString(folder.resolve("peer.py"), python));
    }

    @Test
    void aRefusedBlasStopsTheBenchmarkWithThePeersReasonAndWhatToInstall() throws IOException {
        PyTorchPeer peer = peer("""
                import sys
                print("kiln_peer: torch runs its matrix products on the reference BLAS", file=sys.stderr)
                sys.exit(3)
                """);
        IOException e = assertThrows(IOException.class, () -> peer.check("1,2"));
        assertTrue(e.getMessage().contains("reference BLAS"), e.getMessage());
        assertTrue(e.getMessage().contains("status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("libopenblas0-pthread"), e.getMessage());
        assertTrue(e.getMessage().contains("--no-peer"), e.getMessage());
    }

    @Test
    void theReportNamesTheRepositorysScriptOrTheOneGiven() throws IOException {
        assertEquals("benchmarks/src/main/peer/kiln_peer.py", PyTorchPeer.of(null).scriptName());
        Path given = Files.writeString(folder.resolve("mine.py"), "");
        assertEquals(given.toString(), PyTorchPeer.of(given).scriptName());
    }

    @Test
    void readsTheEnvironmentAndTheSpeedLines() throws IOException {
        PyTorchPeer peer = peer("""
                import sys
                print("# torch 1.13, BLAS openblas")
                print("# on 2 threads: torch threads 2, OpenBLAS threads 1")
                if sys.argv[1] == "speed":
                    print("net\\tthreads\\tbatch\\ttrain_img_s\\ttrain_gflops\\tinfer_b1_us\\tinfer_b256_img_s\\tforward_flops")
                    print("tf-mnist\\t2\\t64\\t1500\\t125.0\\t900\\t4800\\t27767808\\tchannels_last\\tTorchScript\\teager")
                    print("# an older peer's line, without the forms:")
                    print("tf-mnist\\t1\\t64\\t800\\t66.6\\t950\\t2500\\t27767808")
                """);
        assertEquals(List.of("torch 1.13, BLAS openblas", "on 2 threads: torch threads 2, OpenBLAS threads 1"), peer.check("2"));
        assertEquals(List.of(new PyTorchPeer.Speed("tf-mnist", 2, 64, 1500, 900, 4800,
                                "trains in channels_last, 1 image TorchScript, 256 images eager"),
                        new PyTorchPeer.Speed("tf-mnist", 1, 64, 800, 950, 2500, "")),
                peer.speed("tf-mnist", "2,1", "64", 1));
    }

    @Test
    void aPeerHeldToAvx2IsToldSoAndOnlyThatOne() throws IOException {
        PyTorchPeer peer = peer("""
                import os
                print("# KILN_PEER_ISA=" + os.environ.get("KILN_PEER_ISA", "unset"))
                """);
        assertEquals(List.of("KILN_PEER_ISA=unset"), peer.check("1"));
        assertEquals(List.of("KILN_PEER_ISA=avx2"), peer.heldToAvx2().check("1"));
        assertEquals(List.of("KILN_PEER_ISA=unset"), peer.check("1"));
    }
}
