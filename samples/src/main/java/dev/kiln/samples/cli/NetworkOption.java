package dev.kiln.samples.cli;

import dev.kiln.samples.SampleNetworks;
import picocli.CommandLine.ITypeConverter;

/** Lets picocli read a network by its command-line name ("tf-mnist"). */
final class NetworkOption implements ITypeConverter<SampleNetworks> {
    @Override
    public SampleNetworks convert(String value) {
        return SampleNetworks.byName(value);
    }
}
