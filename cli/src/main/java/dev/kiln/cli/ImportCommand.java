package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.ParameterNames;
import dev.kiln.runtime.io.Safetensors;
import dev.kiln.runtime.model.Model;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Reads safetensors weights (e.g. a PyTorch state_dict saved with safetensors.torch.save_file) "
                + "into a network and saves them as a Kiln checkpoint, without optimizer state. Every tensor's "
                + "name, dtype and shape is checked first; F16, BF16 and F64 are converted to float32. "
                + "To train from such weights, use kiln train NETWORK --weights FILE.")
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class, description = "The network the weights are for.")
    SeedNetworks network;

    @Parameters(index = "1", paramLabel = "FILE", description = "The .safetensors file to read.")
    Path file;

    @Parameters(index = "2", paramLabel = "CHECKPOINT", description = "The Kiln checkpoint to write (replaced atomically).")
    Path checkpoint;

    @Option(names = "--names", paramLabel = "MAPPING", converter = NamesOption.class, description = NamesOption.DESCRIPTION)
    ParameterNames names = ParameterNames.identity();

    @Override
    public Integer call() throws Exception {
        try (Model model = network.create(0)) {
            Safetensors.load(file, model, names);
            Checkpoints.save(checkpoint, model, null, Map.of("imported from", file.toString()));
            System.out.printf("kiln: imported %d tensors from %s into %s; checkpoint %s (evaluate it with"
                    + " kiln evaluate %s --checkpoint %s)%n", model.parameters().size(), file, network.cliName(),
                    checkpoint, network.cliName(), checkpoint);
        }
        return 0;
    }
}
