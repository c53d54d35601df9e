package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.KilnCommand;
import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.SafetensorsFile;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.train.Evaluation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kiln export} and {@code kiln import} on a real network, with an nn.Sequential name mapping. */
class SafetensorsCommandsTest {
    private static final String SEQUENTIAL = "conv1=0,conv2=3,logits=7";

    @TempDir Path folder;

    @Test
    void exportThenImportGivesTheSameWeightsUnderSequentialNames() throws Exception {
        Path original = folder.resolve("original.kiln");
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(11)) {
            Checkpoints.save(original, model, null, Map.of());
        }
        Path file = folder.resolve("mnist.safetensors");
        assertEquals(0, run("export", original.toString(), file.toString(), "--names", SEQUENTIAL).code);
        assertEquals(List.of("0.bias", "0.weight", "3.bias", "3.weight", "7.bias", "7.weight"),
                SafetensorsFile.open(file).tensors().stream().map(SafetensorsFile.Entry::name).toList());
        assertArrayEquals(new int[] {10, 2304}, SafetensorsFile.open(file).tensor("7.weight").shape());

        Path imported = folder.resolve("imported.kiln");
        assertEquals(0, run("import", "pytorch-mnist", file.toString(), imported.toString(), "--names", SEQUENTIAL).code);
        Checkpoint before = Checkpoints.load(original), after = Checkpoints.load(imported);
        assertFalse(after.hasOptimizerState(), "an import starts without optimizer state");
        for (String name : before.parameterNames()) {
            assertArrayEquals(before.values(name), after.values(name), name);
        }
    }

    @Test
    void importingIntoAnotherNetworkFailsNamingTheTensorAndBothShapes() throws Exception {
        Path original = folder.resolve("pytorch.kiln");
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(12)) {
            Checkpoints.save(original, model, null, Map.of());
        }
        Path file = folder.resolve("pytorch.safetensors");
        assertEquals(0, run("export", original.toString(), file.toString()).code);
        Path target = folder.resolve("keras.kiln");
        Result result = run("import", "keras-mnist", file.toString(), target.toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("conv2.weight has shape [64, 32, 2, 2] in the file but [64, 32, 3, 3] in the model"),
                result.err);
        assertFalse(Files.exists(target), "nothing is written when the weights do not fit");
    }

    /** kiln train --weights: from PyTorch's trained weights, a few steps at a tiny learning rate keep PyTorch's accuracy. */
    @Test
    void trainingStartsFromImportedWeightsWithAFreshOptimizer() throws Exception {
        Path weights = Path.of(SafetensorsCommandsTest.class.getResource("/dev/kiln/it/pytorch-mnist-trained.safetensors").toURI());
        Path checkpoint = folder.resolve("tuned.kiln");
        String[] args = {"train", "pytorch-mnist", "--weights", weights.toString(), "--names", SEQUENTIAL, "--epochs", "1",
            "--limit", "128", "--test-limit", "100", "--lr", "1e-7", "--threads", "2", "--checkpoint", checkpoint.toString()};
        assertEquals(0, run(args).code);
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(1)) {
            Checkpoints.load(checkpoint).restoreInto(model, null);
            double accuracy = Evaluation.accuracy(model, FashionMnistData.load().test().first(2_000), 500);
            // From random weights two steps reach nowhere near this; PyTorch's weights score 85.87% on all 10,000.
            assertTrue(accuracy > 0.80, "test accuracy " + accuracy + " after starting from PyTorch's weights");
        }
        Result again = run(args);
        assertEquals(1, again.code, "the checkpoint exists now: resuming from it would ignore --weights");
        assertTrue(again.err.contains("add --fresh"), again.err);
    }

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        CommandLine cli = KilnCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }
}
