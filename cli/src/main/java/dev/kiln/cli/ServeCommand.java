package dev.kiln.cli;

import dev.kiln.cli.serve.LoadTest;
import dev.kiln.cli.serve.PredictionServer;
import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistFormat;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.train.KernelWarmUp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a checkpoint over HTTP: POST /predict with the image's bytes (one gray byte per pixel, "
                + "C x H x W) answers the class and its probabilities as JSON. One model serves every request thread.",
                "With --load-test it instead starts the server on loopback, runs concurrent clients for a fixed time "
                + "against it, prints throughput, latency, wrong answers and allocation per request, and stops."})
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", converter = NetworkOption.class, description = "The network the checkpoint is of.")
    SeedNetworks network;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Default: checkpoints/NETWORK.kiln.")
    Path checkpoint;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}; loopback only).")
    int port;

    @Option(names = "--request-threads", defaultValue = "32", description = "Threads that answer requests (default: ${DEFAULT-VALUE}).")
    int requestThreads;

    @Option(names = "--load-test", paramLabel = "SECONDS",
            description = "Measure for SECONDS with --clients clients (after --warm-up), then stop.")
    Integer loadTestSeconds;

    @Option(names = "--clients", defaultValue = "32", description = "Concurrent clients of the load test (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--warm-up", paramLabel = "SECONDS", defaultValue = "10",
            description = "Load before the measured window, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--images", defaultValue = "1000", description = "Test images the load test sends in turn (default: ${DEFAULT-VALUE}).")
    int imageCount;

    @Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
        if (requestThreads < 1 || clients < 1 || imageCount < 1 || warmUpSeconds < 0
                || (loadTestSeconds != null && loadTestSeconds < 1)) {
            throw new IllegalArgumentException("--request-threads, --clients, --images and --load-test must be at least 1,"
                    + " --warm-up at least 0");
        }
        Path file = checkpoint == null ? network.defaultCheckpoint() : checkpoint;
        try (Model model = network.create(0)) {
            Checkpoints.load(file).restoreInto(model, null);
            List<String> labels = model.classes() == MnistFormat.FASHION_MNIST.classNames().size() ? MnistFormat.FASHION_MNIST.classNames() : List.of();
            // Without this the first requests would wait for the JIT (tf-mnist's first prediction took
            // 0.4 s, its 100th 0.3 ms): the server listens once its prediction kernels are compiled.
            KernelWarmUp.predictions(model);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), loadTestSeconds == null ? port : 0);
            try (PredictionServer server = PredictionServer.start(model, labels, address, requestThreads)) {
                if (loadTestSeconds == null) {
                    System.out.printf("serving %s (%s, step %d) on http://%s:%d/predict; Ctrl-C stops%n", network.cliName(),
                            file, model.step(), address.getHostString(), server.address().getPort());
                    new CountDownLatch(1).await();
                    return 0;
                }
                byte[][] images = testImages(data.loadForTesting(network).test(), imageCount);
                System.out.printf("load test: %s (%s), %d request threads, %d clients, %d test images, %d s warm-up, %d s measured%n",
                        network.cliName(), file, requestThreads, clients, images.length, warmUpSeconds, loadTestSeconds);
                LoadTest.Report report = LoadTest.run(server, model, images, clients,
                        Duration.ofSeconds(warmUpSeconds), Duration.ofSeconds(loadTestSeconds));
                System.out.println(report.describe());
                return report.wrongAnswers() == 0 && report.failedRequests() == 0 ? 0 : 1;
            }
        }
    }

    /** The first {@code count} test images as the bytes a client would send (pixels were bytes / 255). */
    private static byte[][] testImages(Dataset test, int count) {
        byte[][] images = new byte[Math.min(count, test.size())][];
        for (int i = 0; i < images.length; i++) {
            float[] image = test.image(i);
            images[i] = new byte[image.length];
            for (int k = 0; k < image.length; k++) {
                images[i][k] = (byte) Math.round(Math.clamp(image[k], 0f, 1f) * 255f);
            }
        }
        return images;
    }
}
