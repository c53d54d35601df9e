package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.TrainAndTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the data options read for training and for a command that only tests (the real Fashion-MNIST files). */
class DataOptionsTest {

    @BeforeAll
    static void theDataSetIsInstalled() {
        Path directory = Path.of("/usr/share/datasets/fashion-mnist");
        assertTrue(Files.isDirectory(directory), directory + " is missing: install it with "
                + "'apt-get install dataset-fashion-mnist' (./kiln test does this when run as root)");
    }

    private static DataOptions parsed(String... args) {
        DataOptions options = new DataOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void testingReadsOneTrainingExampleOfTheStandardDataSet() throws IOException {
        TrainAndTest sets = parsed().loadForTesting(SeedNetworks.KERAS_MNIST);
        assertEquals(1, sets.train().size());
        assertEquals(10_000, sets.test().size());
        assertEquals(10, sets.classNames().size());
    }

    @Test
    void trainingAndNormalizationFromTheTrainingSetReadItAll() throws IOException {
        assertEquals(60_000, parsed().load(SeedNetworks.KERAS_MNIST).train().size());
        TrainAndTest normalized = parsed("--normalize", "auto", "--test-limit", "10").loadForTesting(SeedNetworks.KERAS_MNIST);
        assertEquals(60_000, normalized.train().size());
        assertEquals(10, normalized.test().size());
    }
}
