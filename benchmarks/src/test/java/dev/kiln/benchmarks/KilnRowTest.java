package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KilnRowTest {

    @Test
    void aRowCrossesToTheBenchmarkExactly() {
        KilnRow row = new KilnRow(2, 64, 12345.678901234567, Double.NaN, 6.25);
        assertTrue(KilnRow.isRow(row.toLine()));
        assertEquals(row, KilnRow.parse(row.toLine()));
    }

    @Test
    void otherLinesOfTheChildAreNotRows() {
        assertFalse(KilnRow.isRow("2 compiler directives added"));
        assertFalse(KilnRow.isRow(KilnRounds.ROUND_DONE));
        assertThrows(IllegalArgumentException.class, () -> KilnRow.parse("kiln-row\t1\t64"));
    }

    @Test
    void roundsCombineAsMediansAndTheMostBytes() {
        List<List<KilnRow>> rounds = List.of(
                List.of(new KilnRow(1, 64, 100, Double.NaN, 0), new KilnRow(1, 0, 30, 900, 0)),
                List.of(new KilnRow(1, 64, 300, Double.NaN, 8), new KilnRow(1, 0, 10, 700, 0)),
                List.of(new KilnRow(1, 64, 200, Double.NaN, 0), new KilnRow(1, 0, 20, 800, 16)));
        List<KilnRow> medians = KilnRow.medians(rounds);
        assertEquals(new KilnRow(1, 64, 200, Double.NaN, 8), medians.get(0));
        assertEquals(new KilnRow(1, 0, 20, 800, 16), medians.get(1));
    }
}
