package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Mistakes and resource limits end a command with exit code 1 and one line saying what to change,
 * before any data is loaded where that is possible (the runs below point --data at a folder that
 * does not exist, so a check that came after loading would fail with another message).
 */
class CommandErrorsTest {
    @TempDir Path dir;

    private String missingData() {
        return dir.resolve("no-data-here").toString();
    }

    private String checkpoint() {
        return dir.resolve("run.kiln").toString();
    }

    @Test
    void tooManyThreadsAreRefusedWithTheLimitAndWhatTheyWouldCost() {
        int processors = Runtime.getRuntime().availableProcessors();
        String message = CommandRun.failure("train", "tf-mnist", "--threads", "1000", "--checkpoint", checkpoint(), "--data", missingData());
        assertTrue(message.startsWith("--threads 1000 is more than tf-mnist can use: at most "
                + Math.min(ThreadLimit.PER_PROCESSOR * processors, 64) + ", because "), message);
        assertTrue(message.endsWith("Every thread keeps its own gradients (13.1 MB for tf-mnist), so 1000 threads would"
                + " hold 13.1 GB of them for nothing"), message);
    }

    @Test
    void theThreadLimitIsTheSmallerOfFourPerProcessorAndTheBatch() {
        IllegalArgumentException byProcessors = assertThrows(IllegalArgumentException.class,
                () -> ThreadLimit.check(9, 64, "tf-mnist", 3_274_634, 2));
        assertEquals("--threads 9 is more than tf-mnist can use: at most 8, because this machine has 2 processors, and more"
                + " than 4 threads per processor only take turns. Every thread keeps its own gradients (13.1 MB for"
                + " tf-mnist), so 9 threads would hold 117.9 MB of them for nothing", byProcessors.getMessage());

        IllegalArgumentException byBatch = assertThrows(IllegalArgumentException.class,
                () -> ThreadLimit.check(5, 4, "keras-mnist", 34_826, 2));
        assertEquals("--threads 5 is more than keras-mnist can use: at most 4, because a batch of 4 examples gives at most"
                + " 4 threads work. Every thread keeps its own gradients (0.1 MB for keras-mnist), so 5 threads would hold"
                + " 0.7 MB of them for nothing", byBatch.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ThreadLimit.check(0, 64, "tf-mnist", 3_274_634, 2));
        assertEquals("--threads 0 is not a thread count; give 1 or more", none.getMessage());

        ThreadLimit.check(8, 64, "tf-mnist", 3_274_634, 2);
        ThreadLimit.check(4, 4, "tf-mnist", 3_274_634, 2);
    }

    @Test
    void limitsOfZeroAreErrorsNotNaN() {
        assertEquals("--limit 0 leaves no training examples; give 1 or more",
                CommandRun.failure("train", "pytorch-mnist", "--limit", "0", "--checkpoint", checkpoint(), "--data", missingData()));
        assertEquals("--test-limit 0 leaves no test examples; give 1 or more",
                CommandRun.failure("train", "pytorch-mnist", "--test-limit", "0", "--checkpoint", checkpoint(), "--data", missingData()));
        assertEquals("--test-limit 0 leaves no test examples; give 1 or more",
                CommandRun.failure("evaluate", "pytorch-mnist", "--test-limit", "0", "--checkpoint", checkpoint(), "--data", missingData()));
    }

    @Test
    void anUnwritableCheckpointIsRefusedBeforeTheDataIsLoaded() throws IOException {
        Path plainFile = Files.writeString(dir.resolve("plain-file"), "x");
        Path file = plainFile.resolve("run.kiln");
        String message = CommandRun.failure("train", "pytorch-mnist", "--checkpoint", file.toString(), "--data", missingData());
        assertTrue(message.startsWith("cannot save checkpoint " + file + ": its folder " + plainFile
                + " cannot be created (FileAlreadyExistsException"), message);

        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        assertEquals("cannot save checkpoint " + folder + ": " + folder + " is a folder; give a file name",
                CommandRun.failure("train", "pytorch-mnist", "--checkpoint", folder.toString(), "--data", missingData()));
    }

    @Test
    void emptyDataSetsAreErrors() throws IOException {
        Path noTraining = SyntheticMnist.write(dir.resolve("no-training"), 0, 5);
        assertEquals("the training set (Fashion-MNIST train, " + noTraining.resolve("train-images-idx3-ubyte")
                + ") is empty: there is nothing to train on",
                CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", noTraining.toString()));

        Path noTest = SyntheticMnist.write(dir.resolve("no-test"), 5, 0);
        assertEquals("the validation set (Fashion-MNIST test, " + noTest.resolve("t10k-images-idx3-ubyte")
                + ") is empty: there is nothing to evaluate on",
                CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", noTest.toString()));
        assertEquals("the test set (Fashion-MNIST test, " + noTest.resolve("t10k-images-idx3-ubyte")
                + ") is empty: there is nothing to evaluate on",
                CommandRun.failure("evaluate", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", noTest.toString()));
        assertFalse(Files.exists(Path.of(checkpoint())), "nothing was trained or saved");
    }

    @Test
    void imagesOfAnotherSizeThanTheNetworkTakesAreAnErrorNamingTheFile() throws IOException {
        Path small = SyntheticMnist.write(dir.resolve("ten-by-ten"), 5, 5, 10);
        assertEquals("the training set (Fashion-MNIST train, " + small.resolve("train-images-idx3-ubyte")
                + ") holds images of 1x10x10 (channels x height x width), but TfMnist takes 1x28x28",
                CommandRun.failure("train", "tf-mnist", "--checkpoint", checkpoint(), "--data", small.toString()));
        assertFalse(Files.exists(Path.of(checkpoint())), "nothing was trained or saved");
    }

    @Command(name = "exhaust")
    static final class OutOfMemoryCommand implements Callable<Integer> {
        @CommandLine.Option(names = "--wrapped") boolean wrapped;

        @Override
        public Integer call() {
            OutOfMemoryError error = new OutOfMemoryError("Java heap space");
            if (wrapped) {
                throw new IllegalStateException("a worker thread failed", error); // as a pool may hand it on
            }
            throw error;
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineOnHeapBatchSizeAndThreads() {
        for (String[] args : new String[][] {{"exhaust"}, {"exhaust", "--wrapped"}}) {
            CommandLine cli = KilnCommand.commandLine().addSubcommand(new OutOfMemoryCommand());
            CommandRun run = CommandRun.of(cli, args);
            assertEquals(1, run.exitCode(), run.err());
            assertEquals(UserErrors.outOfMemory(new OutOfMemoryError("Java heap space"), Runtime.getRuntime().maxMemory()),
                    run.errorLine());
        }
        assertEquals("out of memory (Java heap space) with a heap of at most 400 MB: give Java more heap, e.g."
                + " KILN_JAVA_OPTS=-Xmx4g ./kiln ..., or make the run smaller: a lower --batch-size, fewer --threads"
                + " (each keeps its own gradients), or --limit N to load only N training examples",
                UserErrors.outOfMemory(new OutOfMemoryError("Java heap space"), 400L << 20));
    }
}
