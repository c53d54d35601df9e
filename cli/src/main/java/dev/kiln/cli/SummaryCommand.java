package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Prints a network's layers, output shapes, parameters and FLOPs.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class,
            description = "One of: tf-mnist, keras-mnist, pytorch-mnist, tf-16-36, lenet-like, emotion, vgg19, alexnet.")
    SeedNetworks network;

    @Override
    public Integer call() {
        System.out.println(network.info().summary());
        return 0;
    }
}
