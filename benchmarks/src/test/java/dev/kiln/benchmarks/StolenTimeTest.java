package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StolenTimeTest {

    @Test
    void readsStealAsTheEighthCountAndTotalsTheFirstEight() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] counts = StolenTime.parse("cpu  100 2 30 800 4 0 6 58 9 1").orElseThrow();
        assertArrayEquals(new long[] {58, 1000}, counts);
    }

    @Test
    void refusesLinesThatAreNotTheAggregateOrTooShort() {
        assertTrue(StolenTime.parse("cpu0 1 2 3 4 5 6 7 8").isEmpty());
        assertTrue(StolenTime.parse("cpu 1 2 3 4 5 6 7").isEmpty());
        assertTrue(StolenTime.parse("intr 1 2 3 4 5 6 7 8 9").isEmpty());
    }

    @Test
    void aShareBetweenZeroAndAHundredOnThisMachineOrNone() {
        StolenTime stolen = new StolenTime();
        stolen.start();
        long sum = 0;
        for (int i = 0; i < 50_000_000; i++) {
            sum += i % 7;
        }
        stolen.stop();
        assertTrue(sum > 0);
        stolen.percent().ifPresent(p -> assertTrue(p >= 0 && p <= 100, "share " + p));
    }
}
