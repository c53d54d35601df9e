package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln train NETWORK --data PATH} tells the format from what PATH is, trains pytorch-mnist
 * (1x28x28, 10 classes; the smallest seed network) on it, and saves the data's class names; image
 * folders are resized to the network's input, arrays of another shape are refused naming the file
 * and both shapes.
 */
class DataFormatsTest {
    @TempDir Path dir;

    private String checkpoint() {
        return dir.resolve("run.kiln").toString();
    }

    private String train(Path data, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "pytorch-mnist", "--epochs", "1", "--batch-size", "8",
                "--threads", "1", "--checkpoint", checkpoint(), "--fresh", "--data", data.toString()));
        args.addAll(List.of(more));
        return CommandRun.output(args.toArray(String[]::new));
    }

    private Preprocessing saved() throws IOException {
        return Checkpoints.load(Path.of(checkpoint())).preprocessing().orElseThrow();
    }

    @Test
    void anImageFolderOfColourImagesOfAnotherSizeTrainsWithItsFolderNamesAsClasses() throws IOException {
        Path folder = DataFiles.imageFolder(dir.resolve("images"), 10, 3, 1, 20, 24);
        String out = train(folder);
        assertTrue(out.contains("training pytorch-mnist on " + folder.resolve("train") + " (30 examples; test 10)"), out);
        Preprocessing saved = saved();
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"), saved.classNames());
        assertEquals("1x28x28", saved.channels() + "x" + saved.height() + "x" + saved.width());
    }

    @Test
    void withoutATestFolderAFifthOfTheImagesIsTheTestSetTheSameInTrainAndEvaluate() throws IOException {
        Path folder = DataFiles.imageFolder(dir.resolve("images"), 10, 5, 0, 30, 30);
        Files.move(folder.resolve("train"), dir.resolve("flat"));
        String trained = train(dir.resolve("flat"));
        assertTrue(trained.contains("(40 examples; test 10)"), trained);
        String evaluated = CommandRun.output("evaluate", "pytorch-mnist", "--checkpoint", checkpoint(), "--data",
                dir.resolve("flat").toString());
        assertEquals(SavedPreprocessingTest.lastAccuracy(trained), SavedPreprocessingTest.lastAccuracy(evaluated),
                trained + evaluated);
    }

    @Test
    void aDamagedImageStopsTrainingNamingItUnlessSkipBadCountsAndSkipsIt() throws IOException {
        Path folder = DataFiles.imageFolder(dir.resolve("images"), 10, 3, 1, 20, 24);
        Path broken = Files.write(folder.resolve("train/c3/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        String message = CommandRun.failure("train", "pytorch-mnist", "--epochs", "1", "--checkpoint", checkpoint(), "--data", folder.toString());
        assertTrue(message.startsWith(broken.toString()), message);
        assertFalse(Files.exists(Path.of(checkpoint())), "nothing was trained or saved");

        String out = train(folder, "--skip-bad");
        assertTrue(out.startsWith("kiln: skipped 1 bad file:\n  " + broken + ": "), out);
        assertTrue(out.contains("(30 examples; test 10)"), out);
    }

    @Test
    void augmentationIsAppliedAsAskedAndAnUnknownStepIsRefused() throws IOException {
        Path folder = DataFiles.imageFolder(dir.resolve("images"), 10, 2, 1, 28, 28);
        String out = train(folder, "--augment", "crop=2,flip");
        assertTrue(out.contains(", augmented by randomCrop(2).then(horizontalFlip())\n"), out);
        assertTrue(train(folder, "--augment", "crop").contains(", augmented by randomCrop(4)\n"));
        CommandRun run = CommandRun.of("train", "pytorch-mnist", "--augment", "rotate", "--checkpoint", checkpoint());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--augment takes crop, crop=PAD and flip, separated by commas; not 'rotate'"), run.err());
    }

    @Test
    void aNpyFileOfImagesTrainsWithTheLabelsNamedAfterIt() throws IOException {
        Path images = DataFiles.npyBytes(dir.resolve("npy/x_digits.npy"), new int[] {50, 28, 28}, 1);
        DataFiles.npyLabels(dir.resolve("npy/y_digits.npy"), 50, 10);
        String trained = train(images);
        assertTrue(trained.contains("(40 examples; test 10)"), trained);
        assertEquals(List.of(), saved().classNames());
        String evaluated = CommandRun.output("evaluate", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", images.toString());
        assertEquals(SavedPreprocessingTest.lastAccuracy(trained), SavedPreprocessingTest.lastAccuracy(evaluated));

        Path otherName = Files.move(images, dir.resolve("npy/pictures.npy"));
        assertTrue(CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", otherName.toString())
                .startsWith("give the labels of " + otherName + " with --labels FILE.npy"));
        assertTrue(train(otherName, "--labels", dir.resolve("npy/y_digits.npy").toString()).contains("(40 examples; test 10)"));
    }

    @Test
    void aFolderOfKerasNamedNpyFilesTrains() throws IOException {
        Path folder = dir.resolve("keras");
        DataFiles.npyBytes(folder.resolve("x_train.npy"), new int[] {24, 28, 28, 1}, 1);
        DataFiles.npyLabels(folder.resolve("y_train.npy"), 24, 10);
        DataFiles.npyBytes(folder.resolve("x_test.npy"), new int[] {12, 28, 28, 1}, 2);
        DataFiles.npyLabels(folder.resolve("y_test.npy"), 12, 10);
        assertTrue(train(folder).contains("(24 examples; test 12)"));
    }

    @Test
    void aPlainCsvTrains() throws IOException {
        Path csv = DataFiles.csv(dir.resolve("digits.csv"), 30, 28 * 28, 10);
        assertTrue(train(csv).contains("training pytorch-mnist on " + csv + " (24 examples; test 6)"));
    }

    @Test
    void arraysOfAnotherShapeAreRefusedNamingTheFileAndBothShapes() throws IOException {
        Path images = DataFiles.npyBytes(dir.resolve("small/x.npy"), new int[] {10, 20, 20}, 1);
        DataFiles.npyLabels(dir.resolve("small/y.npy"), 10, 10);
        assertEquals("the training set (" + images + ") holds images of 1x20x20 (channels x height x width), but PytorchMnist"
                + " takes 1x28x28", CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", images.toString()));

        Path cifar = DataFiles.cifar10(dir.resolve("cifar"), 10, 10);
        String message = CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", cifar.toString());
        assertTrue(message.startsWith("the training set (" + cifar + " train) holds images of 3x32x32"), message);
        assertTrue(message.endsWith("but PytorchMnist takes 1x28x28"), message);

        Path csv = DataFiles.csv(dir.resolve("short.csv"), 5, 100, 10);
        message = CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", csv.toString());
        assertTrue(message.startsWith(csv + ":2: "), message);
        assertTrue(message.contains("1x28x28"), message);
        assertFalse(Files.exists(Path.of(checkpoint())), "nothing was trained or saved");
    }

    @Test
    void aNamedClassCountOtherThanTheNetworksOutputsIsRefused() throws IOException {
        Path folder = DataFiles.imageFolder(dir.resolve("images"), 2, 2, 0, 10, 10);
        assertEquals(folder + " has 2 classes [c0, c1], but pytorch-mnist has 10 outputs; train a network with 2 outputs on it",
                CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data", folder.toString()));
        assertEquals("--data " + dir.resolve("notes.txt") + ": not a format Kiln reads; give " + DataFormat.formats(),
                CommandRun.failure("train", "pytorch-mnist", "--checkpoint", checkpoint(), "--data",
                        Files.writeString(dir.resolve("notes.txt"), "x").toString()));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("--data " + empty + " holds none of the formats Kiln reads; give " + DataFormat.formats(),
                CommandRun.failure("train", "emotion", "--checkpoint", checkpoint(), "--data", empty.toString()));
    }
}
