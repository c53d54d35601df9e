package dev.kiln.runtime.data;

import static dev.kiln.runtime.data.IdxFiles.gzip;
import static dev.kiln.runtime.data.IdxFiles.images;
import static dev.kiln.runtime.data.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download path against a small HTTP server on the loopback address. */
class DatasetLocatorTest {
    @TempDir
    Path cache;

    private final Map<String, byte[]> published = new HashMap<>();
    private final Map<String, byte[]> served = new HashMap<>();
    /** Files whose transfer the server breaks off half-way. */
    private final List<String> interrupted = new java.util.ArrayList<>();
    private HttpServer server;
    private DatasetSpec spec;

    @BeforeEach
    void startServer() throws IOException {
        published.put(MnistFormat.TRAIN_IMAGES, gzip(images(6, 28, 28)));
        published.put(MnistFormat.TRAIN_LABELS, gzip(labels(0, 1, 2, 3, 4, 5)));
        published.put(MnistFormat.TEST_IMAGES, gzip(images(2, 28, 28)));
        published.put(MnistFormat.TEST_LABELS, gzip(labels(7, 8)));
        served.putAll(published);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/data/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/data/".length());
            byte[] body = served.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            if (interrupted.contains(name)) {
                out.write(body, 0, body.length / 2);
                out.flush();
                // Closing short of the announced length makes the server drop the connection.
            } else {
                out.write(body);
            }
            exchange.close();
        });
        server.start();
        List<DatasetFile> files = Stream.of(MnistFormat.TRAIN_IMAGES, MnistFormat.TRAIN_LABELS, MnistFormat.TEST_IMAGES,
                MnistFormat.TEST_LABELS).map(name -> new DatasetFile(name, contentSha256(published.get(name)))).toList();
        spec = new DatasetSpec("fake-mnist", "Fake-MNIST", files, URI.create("http://invalid.example/"),
                Path.of("/nonexistent/fake-mnist"), "dataset-fake-mnist", MnistFormat.MNIST.classNames());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static String contentSha256(byte[] gzipped) {
        try {
            Path file = Files.createTempFile("content", ".gz");
            try {
                return ContentDigest.sha256(Files.write(file, gzipped));
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private DatasetLocator locator(int port) {
        return new DatasetLocator(cache, URI.create("http://127.0.0.1:" + port + "/data/"), false,
                new Downloader(Duration.ofSeconds(5), line -> { }));
    }

    private DatasetLocator locator() {
        return locator(server.getAddress().getPort());
    }

    private List<String> cacheContents() throws IOException {
        Path dir = cache.resolve("fake-mnist");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesAndLoads() throws IOException {
        TrainAndTest data = locator().load(spec, null);
        assertEquals(6, data.train().size());
        assertEquals(8, data.test().label(1));
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz"), cacheContents());
        // Found in the cache from now on: the server is no longer needed.
        server.stop(0);
        assertEquals(cache.resolve("fake-mnist"), locator().locate(spec, null));
    }

    @Test
    void aCorruptedFileIsDiscardedNamingBothSums() throws IOException {
        served.put(MnistFormat.TEST_LABELS, gzip(labels(7, 9)));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> locator().locate(spec, null));
        String expected = contentSha256(published.get(MnistFormat.TEST_LABELS));
        String actual = contentSha256(served.get(MnistFormat.TEST_LABELS));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz from http://127.0.0.1:" + server.getAddress().getPort()
                + "/data/t10k-labels-idx1-ubyte.gz has the wrong content: SHA-256 " + actual + ", expected " + expected
                + "; the download was discarded"), e.getMessage());
        assertTrue(cacheContents().stream().noneMatch(name -> name.startsWith("t10k-labels")), cacheContents()::toString);
    }

    @Test
    void anInterruptedTransferLeavesNothingHalfWritten() throws IOException {
        interrupted.add(MnistFormat.TRAIN_IMAGES);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> locator().locate(spec, null));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz broke off after"), e.getMessage());
        assertEquals(List.of(), cacheContents());
    }

    @Test
    void withoutAServerItSaysWhatToInstallOrWhereToPutWhichFiles() throws IOException {
        int port = server.getAddress().getPort();
        server.stop(0);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> locator(port).locate(spec, null));
        String message = e.getMessage();
        assertTrue(message.startsWith("Fake-MNIST was not found and could not be downloaded: cannot download http://127.0.0.1:"
                + port + "/data/train-images-idx3-ubyte.gz: "), message);
        assertTrue(message.contains("sudo apt-get install dataset-fake-mnist"), message);
        assertTrue(message.contains("download train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz"
                + " t10k-labels-idx1-ubyte.gz from http://127.0.0.1:" + port + "/data/ into " + cache.resolve("fake-mnist")), message);
        assertEquals(List.of(), cacheContents());
    }

    @Test
    void aGivenDirectoryMustHoldEveryFile() throws IOException {
        Path given = Files.createDirectories(cache.resolve("given"));
        Files.write(given.resolve(MnistFormat.TRAIN_IMAGES), published.get(MnistFormat.TRAIN_IMAGES));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> locator().locate(spec, given));
        assertTrue(e.getMessage().startsWith("Fake-MNIST is not complete in " + given
                + ": missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void mnistIsNeverDownloadedWithoutVerifiedSums() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> locator().locate(MnistFormat.MNIST, null));
        assertTrue(e.getMessage().contains("Kiln does not download MNIST itself"), e.getMessage());
        assertTrue(e.getMessage().contains("into " + cache.resolve("mnist")), e.getMessage());
    }
}
