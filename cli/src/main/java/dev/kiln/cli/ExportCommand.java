package dev.kiln.cli;

import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.io.ParameterNames;
import dev.kiln.runtime.io.Safetensors;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the weights of a checkpoint as safetensors, in PyTorch's names and layouts "
                + "(load in Python with safetensors.torch.load_file, then model.load_state_dict).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A Kiln checkpoint (.kiln).")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "FILE", description = "The .safetensors file to write (replaced atomically).")
    Path file;

    @Option(names = "--names", paramLabel = "MAPPING", converter = NamesOption.class, description = NamesOption.DESCRIPTION)
    ParameterNames names = ParameterNames.identity();

    @Override
    public Integer call() throws Exception {
        Checkpoint saved = Checkpoints.load(checkpoint);
        Safetensors.save(file, saved, names);
        System.out.printf("kiln: wrote %d tensors of %s (step %d) to %s%n", saved.parameterNames().size(),
                saved.modelName(), saved.step(), file);
        return 0;
    }
}
