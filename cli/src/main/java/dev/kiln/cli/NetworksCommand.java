package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.ModelInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "networks", mixinStandardHelpOptions = true, description = "Lists the sample networks with their size and training defaults (without creating them).")
final class NetworksCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf("%-14s %-13s %12s %14s  %s%n", "network", "data", "parameters", "fwd MFLOP/img", "defaults");
        for (SeedNetworks network : SeedNetworks.values()) {
            ModelInfo info = network.info();
            System.out.printf("%-14s %-13s %,12d %,14.1f  %s%n", network.cliName(),
                    network.data().name().toLowerCase().replace('_', '-'), info.parameters(),
                    info.forwardFlops() / 1e6, network.trainable()
                            ? network.defaultOptimizer() + " lr " + network.defaultLearningRate()
                                    + " batch " + network.defaultBatchSize()
                            : "forward pass only");
        }
        return 0;
    }
}
