package dev.kiln.cli;

import dev.kiln.runtime.io.ParameterNames;
import picocli.CommandLine.ITypeConverter;

/** Lets picocli read {@code --names conv1=0,conv2=3}: Kiln layer or parameter names to the file's. */
final class NamesOption implements ITypeConverter<ParameterNames> {
    static final String DESCRIPTION = "Rename for the file: comma-separated kiln=file pairs of layers or parameters, "
            + "e.g. conv1=0,conv2=3,logits=7 for a PyTorch nn.Sequential's 0.weight, 3.bias, ... "
            + "Default: Kiln's names (conv1.weight, conv1.bias, ...).";

    @Override
    public ParameterNames convert(String value) {
        return ParameterNames.parse(value);
    }
}
