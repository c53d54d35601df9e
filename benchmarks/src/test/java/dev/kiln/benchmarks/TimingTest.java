package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimingTest {

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2, Timing.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Timing.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void peerFiguresAreMediansOverRoundsOfTheSameThreadsAndBatch() {
        List<List<PyTorchPeer.Speed>> rounds = List.of(
                List.of(speed(1, 64, 100, 50, 900), speed(2, 64, 180, 40, 1700)),
                List.of(speed(2, 64, 150, 45, 1500), speed(1, 64, 130, 70, 1000)),   // another order
                List.of(speed(1, 64, 90, 60, 1100), speed(2, 64, 170, 30, 1600)));
        List<PyTorchPeer.Speed> combined = Benchmark.medianSpeeds(rounds);
        assertEquals(List.of(speed(1, 64, 100, 60, 1000), speed(2, 64, 170, 40, 1600)), combined);
    }

    @Test
    void peerFormsThatDifferBetweenRoundsAreAllNamed() {
        List<List<PyTorchPeer.Speed>> rounds = List.of(
                List.of(new PyTorchPeer.Speed("net", 2, 64, 100, 50, 900, "trains in NCHW")),
                List.of(new PyTorchPeer.Speed("net", 2, 64, 110, 50, 900, "trains in channels_last")),
                List.of(new PyTorchPeer.Speed("net", 2, 64, 120, 50, 900, "trains in NCHW")));
        assertEquals("trains in NCHW; trains in channels_last", Benchmark.medianSpeeds(rounds).get(0).forms());
    }

    private static PyTorchPeer.Speed speed(int threads, int batch, double train, double micros, double batch256) {
        return new PyTorchPeer.Speed("net", threads, batch, train, micros, batch256, "");
    }
}
