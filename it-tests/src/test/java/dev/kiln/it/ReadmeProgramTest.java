package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.clothing.TrainClothing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's training program is {@code TrainClothing.java}, verbatim: this module compiles that
 * file (its network through the annotation processor, its main against the runtime), and this
 * test checks that the README's block between the markers is exactly the file.
 */
class ReadmeProgramTest {
    private static final String FILE = "it-tests/src/test/java/com/example/clothing/TrainClothing.java";
    private static final String BEGIN = "<!-- training-program: " + FILE + " -->\n```java\n";
    private static final String END = "```\n<!-- end of training-program -->";

    /** The repository's root: the nearest folder up from here that holds README.md. */
    private static Path root() {
        Path folder = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(folder.resolve("README.md"))) {
            folder = folder.getParent();
            assertTrue(folder != null, "no README.md above " + Path.of("").toAbsolutePath());
        }
        return folder;
    }

    @Test
    void theReadmesTrainingProgramIsTheCompiledFile() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END, begin);
        assertTrue(begin >= 0 && end > begin, "README.md has no block between '" + BEGIN.strip() + "' and '" + END + "'");
        String block = readme.substring(begin + BEGIN.length(), end);
        assertEquals(Files.readString(root().resolve(FILE)), block, "README.md's training program differs from " + FILE);
        // The compiled program is on the class path, with the model its network generated.
        assertTrue(TrainClothing.class.getResource("ClothingModel.class") != null, "ClothingModel was not generated");
    }
}
