package dev.kiln.networks;

import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.model.AbstractModel;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.ModelInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The seed networks by their command-line names, with the hyper-parameters their tutorials used.
 * The models are the classes the annotation processor generated from the seed network classes of this package.
 */
public enum SeedNetworks {
    TF_MNIST("tf-mnist", TfMnistModel::create, TfMnistModel.INFO, Data.FASHION_MNIST, "adam", 1e-3f, 64, true),
    KERAS_MNIST("keras-mnist", KerasMnistModel::create, KerasMnistModel.INFO, Data.FASHION_MNIST, "adam", 1e-3f, 64, true),
    PYTORCH_MNIST("pytorch-mnist", PytorchMnistModel::create, PytorchMnistModel.INFO, Data.FASHION_MNIST, "adam", 1e-3f, 64, true),
    TF_16_36("tf-16-36", Tf1636Model::create, Tf1636Model.INFO, Data.FASHION_MNIST, "adam", 1e-4f, 64, true),
    LENET_LIKE("lenet-like", LenetLikeModel::create, LenetLikeModel.INFO, Data.FASHION_MNIST, "rmsprop", 1e-3f, 128, true),
    EMOTION("emotion", EmotionModel::create, EmotionModel.INFO, Data.FER2013, "adam", 1e-3f, 128, true),
    VGG19("vgg19", Vgg19Model::create, Vgg19Model.INFO, Data.NONE, "sgd", 1e-2f, 32, false),
    ALEXNET("alexnet", AlexNetModel::create, AlexNetModel.INFO, Data.NONE, "sgd", 1e-2f, 32, false);

    /** What a network trains on. */
    public enum Data { FASHION_MNIST, FER2013, NONE }

    /** A generated model's {@code create(seed, threads, kernels)}. */
    @FunctionalInterface
    public interface Factory {
        Model create(long seed, int threads, Kernels kernels);
    }

    private final String cliName;
    private final Factory factory;
    private final ModelInfo info;
    private final Data data;
    private final String optimizer;
    private final float learningRate;
    private final int batchSize;
    private final boolean trainable;

    SeedNetworks(String cliName, Factory factory, ModelInfo info, Data data, String optimizer,
                   float learningRate, int batchSize, boolean trainable) {
        this.cliName = cliName;
        this.factory = factory;
        this.info = info;
        this.data = data;
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.trainable = trainable;
    }

    public String cliName() {
        return cliName;
    }

    /** The network's constant facts (summary, size, FLOPs), without creating a model. */
    public ModelInfo info() {
        return info;
    }

    /** A new model with freshly initialised weights. */
    public Model create(long seed) {
        return create(seed, AbstractModel.defaultThreads(), KernelProvider.get());
    }

    /** A new model on {@code threads} threads and the given kernels (a profile wraps them to time each call). */
    public Model create(long seed, int threads, Kernels kernels) {
        return factory.create(seed, threads, kernels);
    }

    public Data data() {
        return data;
    }

    /** The tutorial's optimizer: "adam", "sgd" or "rmsprop". */
    public String defaultOptimizer() {
        return optimizer;
    }

    public float defaultLearningRate() {
        return learningRate;
    }

    public int defaultBatchSize() {
        return batchSize;
    }

    /** Where {@code kiln train} keeps this network's checkpoint unless told otherwise. */
    public Path defaultCheckpoint() {
        return Path.of("checkpoints", cliName + ".kiln");
    }

    /** Sections 1-6 of the seed list train; the large classics are compiled and summarised only. */
    public boolean trainable() {
        return trainable;
    }

    public static SeedNetworks byName(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException("no network named '" + name
                + "'; choose one of " + names()));
    }

    /** The network called {@code name} (its command-line or constant name, in any case), if there is one. */
    public static java.util.Optional<SeedNetworks> named(String name) {
        return Arrays.stream(values())
                .filter(n -> n.cliName.equalsIgnoreCase(name) || n.name().equalsIgnoreCase(name))
                .findFirst();
    }

    /** The seed network whose generated model has {@code architecture} (its fingerprint, as a checkpoint saves it), if any. */
    public static java.util.Optional<SeedNetworks> byArchitecture(String architecture) {
        return Arrays.stream(values()).filter(n -> n.info.architecture().equals(architecture)).findFirst();
    }

    /** The command-line names of the networks that train, comma-separated: "tf-mnist, keras-mnist, ...". */
    public static String trainableNames() {
        return Arrays.stream(values()).filter(SeedNetworks::trainable).map(SeedNetworks::cliName)
                .collect(Collectors.joining(", "));
    }

    public static String names() {
        return Arrays.stream(values()).map(SeedNetworks::cliName).collect(Collectors.joining(", "));
    }
}
