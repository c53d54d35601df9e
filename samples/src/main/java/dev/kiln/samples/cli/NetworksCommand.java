package dev.kiln.samples.cli;

import dev.kiln.runtime.model.Model;
import dev.kiln.samples.SampleNetworks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "networks", mixinStandardHelpOptions = true, description = "Lists the sample networks with their size and training defaults.")
final class NetworksCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf("%-14s %-13s %12s %14s  %s%n", "network", "data", "parameters", "fwd MFLOP/img", "defaults");
        for (SampleNetworks network : SampleNetworks.values()) {
            try (Model model = network.create(0)) {
                long parameters = model.parameters().stream().mapToLong(p -> p.size()).sum();
                System.out.printf("%-14s %-13s %,12d %,14.1f  %s%n", network.cliName(),
                        network.data().name().toLowerCase().replace('_', '-'), parameters,
                        model.forwardFlops() / 1e6, network.trainable()
                                ? network.defaultOptimizer() + " lr " + network.defaultLearningRate()
                                        + " batch " + network.defaultBatchSize()
                                : "forward pass only");
            }
        }
        return 0;
    }
}
