package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.io.ParameterNames;
import dev.kiln.runtime.io.Safetensors;
import dev.kiln.runtime.io.SafetensorsFile;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.train.Evaluation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The user's round trip from PyTorch: pytorch-mnist's nn.Sequential trained one epoch on
 * Fashion-MNIST in PyTorch ({@code tools/pytorch_round_trip.py train}, which
 * wrote the committed file and PyTorch's own test accuracy into its metadata), imported under
 * the Sequential's names, scores the same on the 10,000 test images in Kiln, to 0.1 points.
 */
class PyTorchTrainedWeightsTest {

    @Test
    void weightsTrainedInPyTorchScoreTheSameInKiln() throws Exception {
        Path file = Path.of(PyTorchTrainedWeightsTest.class.getResource("/dev/kiln/it/pytorch-mnist-trained.safetensors").toURI());
        double pytorch = Double.parseDouble(SafetensorsFile.open(file).metadata().get("pytorch_test_accuracy"));
        try (Model model = SeedNetworks.PYTORCH_MNIST.create(1)) {
            model.setThreads(2);
            Safetensors.load(file, model, ParameterNames.parse("conv1=0,conv2=3,logits=7"));
            double kiln = 100 * Evaluation.accuracy(model, FashionMnistData.load().test(), 500);
            System.out.printf("pytorch-mnist trained in PyTorch: test accuracy %.2f%% in PyTorch, %.2f%% in Kiln%n", pytorch, kiln);
            assertEquals(pytorch, kiln, 0.1, "test accuracy in Kiln against PyTorch's, in points");
        }
    }
}
