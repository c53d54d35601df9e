package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files written by numpy.savetxt and by hand, with and without a header; bad rows named by line. */
class CsvFormatTest {
    @TempDir Path dir;

    @Test
    void numpyWrittenCsvWithAHeaderReads() throws Exception {
        NumPyFiles.run(dir, """
                x = (np.arange(5 * 2 * 2 * 3) * 7 % 256).reshape(5, 12)
                y = np.array([[3], [0], [1], [3], [2]])
                header = 'label,' + ','.join('pixel%d' % i for i in range(12))
                np.savetxt('with-header.csv', np.hstack([y, x]), fmt='%d', delimiter=',', header=header, comments='')
                np.savetxt('plain.csv', np.hstack([y, x]), fmt='%d', delimiter=',')
                """);

        Dataset withHeader = CsvFormat.read(dir.resolve("with-header.csv"), 3, 2, 2);
        Dataset plain = CsvFormat.read(dir.resolve("plain.csv"), 3, 2, 2);

        for (Dataset data : new Dataset[] {withHeader, plain}) {
            assertEquals(5, data.size());
            assertEquals(4, data.classes());
            assertArrayEquals(new int[] {3, 2, 2}, data.exampleShape());
            assertEquals(2, data.label(4));
            assertEquals((4 * 12 + 11) * 7 % 256 / 255f, data.image(4)[11]);
        }
    }

    @Test
    void handWrittenRowsWithSpacesAndALimit() throws Exception {
        Path csv = Files.writeString(dir.resolve("a.csv"), "\"1\", 0, 255,7,8\n\n0,1,2,3,4\n2,9,9,9,9\n");

        Dataset data = CsvFormat.read(csv, 1, 2, 2, 5, new Limits(2, 1));

        assertEquals(2, data.size());
        assertEquals(5, data.classes());
        assertEquals(1f, data.image(0)[1]);
        assertEquals(0, data.label(1));
    }

    private String error(String content, int classes) throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"), content);
        return assertThrows(MalformedDataException.class, () -> CsvFormat.read(csv, 1, 1, 3, classes, Limits.NONE))
                .getMessage();
    }

    @Test
    void badRowsAreNamedByFileAndLine() throws Exception {
        String at = dir.resolve("bad.csv") + ":";
        assertEquals(at + "3: expected 3 pixel values (1x1x3), found 2", error("label,a,b,c\n0,1,2,3\n1,2,3\n", 0));
        assertEquals(at + "2: more than 3 pixel values (1x1x3)", error("0,1,2,3\n1,2,3,4,5\n", 0));
        assertEquals(at + "1: pixel 2 is '2.5', not a whole number in 0..255", error("0,1,2.5,3\n", 0));
        assertEquals(at + "1: pixel 3 is 300, outside 0..255", error("0,1,2,300\n", 0));
        assertEquals(at + "1: pixel 2 is empty", error("0,1,,3\n", 0));
        assertEquals(at + "1: pixel 4 is empty", error("0,1,2,3,\n", 0));
        assertEquals(at + "2: label 'x' is not a whole number in 0 or more", error("0,1,2,3\nx,1,2,3\n", 0));
        assertEquals(at + "1: label '4' is not a whole number in 0..3", error("4,1,2,3\n", 4));
        assertEquals(at + "2: expected a label and 3 pixel values (1x1x3), found only one field", error("label\n7\n", 0));
        assertEquals(dir.resolve("bad.csv") + ": no rows of a label and 3 pixel values (1x1x3)", error("label,a,b,c\n", 0));
    }
}
