package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.RmsProp;
import dev.kiln.runtime.optim.Sgd;
import picocli.CommandLine.Option;

/** The optimizer and its settings; unset values fall back to the network's tutorial. */
final class OptimizerOptions {
    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam, sgd or rmsprop (default: the tutorial's).")
    String name;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE", description = "Learning rate (default: the tutorial's).")
    Float learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum for sgd (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Decoupled weight decay factor (default: none).")
    float weightDecay;

    Optimizer create(SeedNetworks network) {
        String chosen = name == null ? network.defaultOptimizer() : name.toLowerCase();
        float rate = learningRate == null ? network.defaultLearningRate() : learningRate;
        return switch (chosen) {
            case "adam" -> Adam.withLearningRate(rate).withWeightDecay(weightDecay);
            case "sgd" -> Sgd.withLearningRate(rate).withMomentum(momentum).withWeightDecay(weightDecay);
            case "rmsprop" -> RmsProp.withLearningRate(rate).withWeightDecay(weightDecay);
            default -> throw new IllegalArgumentException("--optimizer " + name + " is not known; use adam, sgd or rmsprop");
        };
    }
}
