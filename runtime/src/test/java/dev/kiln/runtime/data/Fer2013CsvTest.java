package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fer2013CsvTest {
    @TempDir
    Path dir;

    private static String pixels(int base, int count) {
        return IntStream.range(0, count).mapToObj(i -> Integer.toString((base + i) % 256)).collect(Collectors.joining(" "));
    }

    private Path csv(String... lines) throws IOException {
        return Files.writeString(dir.resolve("fer.csv"), String.join("\n", lines) + "\n");
    }

    @Test
    void readsTheThreeParts() throws IOException {
        Path file = csv("emotion,pixels,Usage",
                "0," + pixels(0, 2304) + ",Training",
                "6," + pixels(1, 2304) + ",Training",
                "3,\"" + pixels(2, 2304) + "\",PublicTest",
                "5," + pixels(3, 2304) + ",PrivateTest");
        Fer2013Csv.Sets sets = Fer2013Csv.read(file);
        assertEquals(2, sets.training().size());
        assertEquals(1, sets.publicTest().size());
        assertEquals(1, sets.privateTest().size());
        assertEquals(6, sets.training().label(1));
        assertEquals(48, sets.training().height());
        assertEquals(7, sets.training().classes());
        assertEquals(1 / 255f, sets.training().image(1)[0], 0f);
        assertEquals((2 + 2303) % 256 / 255f, sets.publicTest().image(0)[2303], 0f);
    }

    private String rejection(Path file) {
        return assertThrows(MalformedDataException.class, () -> Fer2013Csv.read(file)).getMessage();
    }

    @Test
    void reportsTheLineOfEachProblem() throws IOException {
        assertEquals(dir.resolve("fer.csv") + ":3: expected 2304 pixel values (48x48), found 2303",
                rejection(csv("emotion,pixels,Usage", "0," + pixels(0, 2304) + ",Training", "1," + pixels(0, 2303) + ",Training")));
        assertEquals(dir.resolve("fer.csv") + ":1: emotion '7' is not a number in 0..6",
                rejection(csv("7," + pixels(0, 2304) + ",Training")));
        assertEquals(dir.resolve("fer.csv") + ":1: pixel 3 is '2x', not a whole number in 0..255",
                rejection(csv("1,0 1 2x 3,Training")));
        assertEquals(dir.resolve("fer.csv") + ":1: pixel 2 is 256, outside 0..255",
                rejection(csv("1,0 256,Training")));
        assertEquals(dir.resolve("fer.csv") + ":1: Usage 'Test' is not one of [Training, PublicTest, PrivateTest]",
                rejection(csv("1," + pixels(0, 2304) + ",Test")));
        assertEquals(dir.resolve("fer.csv") + ":2: expected 3 fields (emotion,pixels,Usage), found 2",
                rejection(csv("emotion,pixels,Usage", "1,2 3")));
    }
}
