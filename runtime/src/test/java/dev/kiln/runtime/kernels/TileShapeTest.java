package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The two-vector tiles' row counts follow the machine's vector registers: where there are 32, 7
 * rows for the forward tile (17 registers) and 9 for the weight-gradient tile (21); where there are
 * 16, 6 rows for the forward tile (15 registers) and 5 for the weight-gradient tile, whose loops
 * keep more scalars live (see VectorTiles.WEIGHT_ROWS).
 */
class TileShapeTest {

    @Test
    void x86CountsItsRegistersFromUseAvx() {
        assertEquals(16, VectorRegisters.count("amd64", 2, 256), "AVX2");
        assertEquals(16, VectorRegisters.count("amd64", 1, 128), "AVX");
        assertEquals(16, VectorRegisters.count("amd64", 0, 128), "SSE");
        assertEquals(32, VectorRegisters.count("amd64", 3, 512), "AVX-512");
        assertEquals(32, VectorRegisters.count("amd64", 3, 256), "AVX-512 with MaxVectorSize=32 keeps its 32 registers");
        assertEquals(32, VectorRegisters.count("amd64", 3, 128), "AVX-512 with MaxVectorSize=16 keeps its 32 registers");
    }

    @Test
    void withoutUseAvxTheWidthDecidesAndOtherMachinesHave32() {
        assertEquals(32, VectorRegisters.count("amd64", -1, 512));
        assertEquals(16, VectorRegisters.count("amd64", -1, 256));
        assertEquals(32, VectorRegisters.count("aarch64", -1, 128), "NEON");
        assertEquals(32, VectorRegisters.count("aarch64", -1, 512), "SVE");
    }

    @Test
    void rowsFitTheRegisters() {
        assertArrayEquals(new int[] {7, 9}, VectorTiles.rows(null, 32));
        assertArrayEquals(new int[] {6, 5}, VectorTiles.rows(null, 16));
        assertArrayEquals(new int[] {5, 5}, VectorTiles.rows("5", 32), "the override wins, for both tiles");
        assertArrayEquals(new int[] {7, 4}, VectorTiles.rows(" 7, 4 ", 16), "or for each");
        assertArrayEquals(new int[] {6, 9}, VectorTiles.rows("6,9", 32), "weight-gradient tiles of up to 9 rows");
        for (String bad : new String[] {"8", "9", "3", "6,10", "6,3", "6,5,4", "six", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorTiles.rows(bad, 16), bad);
            assertTrue(e.getMessage().contains(VectorTiles.ROWS_PROPERTY), e.getMessage());
        }
    }

    @Test
    void thisJvmUsesTheRowsChosenForItsRegisters() {
        int registers = VectorRegisters.count(VectorTiles.S.vectorBitSize());
        String override = System.getProperty(VectorTiles.ROWS_PROPERTY);
        System.out.printf("TileShapeTest: %d vector registers, %d-bit vectors, two-vector tiles of %d rows (forward)"
                        + " and %d (weight gradient)%s%n", registers, VectorTiles.S.vectorBitSize(), VectorTiles.ROWS,
                VectorTiles.WEIGHT_ROWS, override == null ? "" : " (" + VectorTiles.ROWS_PROPERTY + "=" + override + ")");
        assertArrayEquals(VectorTiles.rows(override, registers), new int[] {VectorTiles.ROWS, VectorTiles.WEIGHT_ROWS});
        if (override == null) {
            // Each tile's accumulators, two operand vectors and one broadcast fit the registers.
            assertTrue(2 * VectorTiles.ROWS + 3 <= registers, VectorTiles.ROWS + " forward rows spill with " + registers + " registers");
            assertTrue(2 * VectorTiles.WEIGHT_ROWS + 3 <= registers,
                    VectorTiles.WEIGHT_ROWS + " weight rows spill with " + registers + " registers");
        }
    }

    @Test
    void fourVectorPanelsCutRowsIntoSixesAndFoursWastingAtMostOneRow() {
        for (int rows = 1; rows <= 200; rows++) {
            int sixes = VectorTiles.sixRowTiles(rows), rest = Math.max(rows - 6 * sixes, 0), fours = (rest + 3) / 4;
            int computed = 6 * sixes + 4 * fours;
            assertTrue(sixes >= 0 && fours <= 2 && computed >= rows, rows + " rows: " + sixes + " x 6 + " + fours + " x 4");
            assertTrue(computed - rows <= (rows < 4 ? 4 - rows : 1), rows + " rows computed as " + computed);
        }
        assertEquals(4, VectorTiles.sixRowTiles(32), "a thread's 32 rows: 6 x 4 + 4 x 2");
        assertEquals(10, VectorTiles.sixRowTiles(64), "64 rows: 6 x 10 + 4");
    }
}
