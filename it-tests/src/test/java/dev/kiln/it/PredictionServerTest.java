package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.serve.LoadTest;
import dev.kiln.cli.serve.PredictionServer;
import dev.kiln.networks.TfMnistModel;
import dev.kiln.runtime.data.MnistFormat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The HTTP prediction service that kiln serve runs, under a short version of its load test. */
class PredictionServerTest {

    @Test
    void thirtyTwoClientsGetOnlyRightAnswers() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (TfMnistModel model = TfMnistModel.create(4, 1);
                 PredictionServer server = PredictionServer.start(model, MnistFormat.FASHION_MNIST.classNames(),
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32)) {
                LoadTest.Report report = LoadTest.run(server, model, randomImages(64), 32,
                        Duration.ofSeconds(1), Duration.ofSeconds(3));
                assertTrue(report.requests() > 0, report.describe());
                assertEquals(0, report.wrongAnswers(), report.describe());
                assertEquals(0, report.failedRequests(), report.describe());
            }
        });
    }

    @Test
    void aBodyOfTheWrongSizeOrMethodGetsAReason() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TfMnistModel model = TfMnistModel.create(4, 1);
                 PredictionServer server = PredictionServer.start(model, MnistFormat.FASHION_MNIST.classNames(),
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2);
                 HttpClient http = HttpClient.newHttpClient()) {
                URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/predict");
                HttpResponse<String> shortBody = http.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100])).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, shortBody.statusCode());
                assertEquals("expected 784 bytes (1x28x28 pixels, one unsigned byte each), got 100", shortBody.body().trim());
                HttpResponse<String> longBody = http.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5000])).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, longBody.statusCode());
                assertTrue(longBody.body().contains("got more"), longBody.body());
                HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, get.statusCode());
                HttpResponse<String> right = http.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(randomImages(1)[0])).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, right.statusCode());
                assertTrue(right.body().matches("\\{\"class\":\\d,\"label\":\"[^\"]+\",\"probabilities\":\\[[^]]+]}\\s*"), right.body());
            }
        });
    }

    private static byte[][] randomImages(int count) {
        SplittableRandom random = new SplittableRandom(21);
        byte[][] images = new byte[count][784];
        for (byte[] image : images) {
            for (int k = 0; k < image.length; k++) {
                image[k] = (byte) random.nextInt(256);
            }
        }
        return images;
    }
}
