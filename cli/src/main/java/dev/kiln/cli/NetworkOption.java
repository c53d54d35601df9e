package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import picocli.CommandLine.ITypeConverter;

/** Lets picocli read a network by its command-line name ("tf-mnist"). */
final class NetworkOption implements ITypeConverter<SeedNetworks> {
    @Override
    public SeedNetworks convert(String value) {
        return SeedNetworks.byName(value);
    }
}
