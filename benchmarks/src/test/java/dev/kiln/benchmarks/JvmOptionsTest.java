package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmOptionsTest {
    @TempDir Path root;

    @Test
    void skipsCommentsAndBlankLinesAndPlacesTheRoot() throws IOException {
        Files.writeString(root.resolve(JvmOptions.FILE), """
                # a comment
                --add-modules=jdk.incubator.vector

                  -Xss4m  \s
                -XX:CompilerDirectivesFile=${KILN_HOME}/d.json
                """);
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "-Xss4m",
                        "-XX:CompilerDirectivesFile=" + root.toAbsolutePath().normalize() + "/d.json"),
                JvmOptions.read(root));
    }

    @Test
    void namesTheFolderWhenTheFileIsMissing() {
        IOException e = assertThrows(IOException.class, () -> JvmOptions.read(root));
        assertTrue(e.getMessage().contains(root.toAbsolutePath().toString()), e.getMessage());
    }
}
