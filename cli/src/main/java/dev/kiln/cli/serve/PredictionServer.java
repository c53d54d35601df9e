package dev.kiln.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP prediction service on the JDK's own {@code com.sun.net.httpserver}: one model shared by
 * all request threads, as Kiln's generated models allow (every {@code predict} answers as it would
 * alone, and allocates nothing once warm).
 *
 * <p>{@code POST /predict} with the image as its body: {@code channels x height x width} bytes,
 * one unsigned gray value per pixel in (C, H, W) order (784 bytes for a 28x28 picture), scaled to
 * [0, 1] as {@code ./kiln train} feeds pixels. The answer is JSON:
 * <pre>{"class":9,"label":"Ankle boot","probabilities":[1.2E-5,...]}</pre>
 * with each probability printed by {@link Float#toString}, which reads back as the same float. A
 * body of another length gets 400, another method 405, both with a one-line reason.
 *
 * <p>It counts what its handler threads allocate (ThreadMXBean), in all and inside
 * {@code predict} alone, so a load test can report allocation per request.
 */
public final class PredictionServer implements AutoCloseable {
    private static final com.sun.management.ThreadMXBean THREAD_BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Model model;
    private final List<String> labels;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
    private final AtomicLong predictions = new AtomicLong();
    private final AtomicLong predictBytes = new AtomicLong();
    /** Per handler thread: the request body and the model's input and output, reused by every request. */
    private final ThreadLocal<Buffers> buffers;

    private record Buffers(byte[] body, float[] image, float[] probabilities) {}

    /**
     * Starts serving {@code model} on {@code address} (port 0: any free port) with
     * {@code threads} request threads. {@code labels} names the classes (empty: numbers only).
     */
    public static PredictionServer start(Model model, List<String> labels, InetSocketAddress address, int threads)
            throws IOException {
        return new PredictionServer(model, labels, address, threads);
    }

    private PredictionServer(Model model, List<String> labels, InetSocketAddress address, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("request threads must be at least 1, got " + threads);
        }
        if (!labels.isEmpty() && labels.size() != model.classes()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + model.classes() + " classes");
        }
        this.model = model;
        this.labels = List.copyOf(labels);
        model.reserveForConcurrentPredictions(threads);   // one prediction per request thread at most
        int inputSize = model.inputSize();
        this.buffers = ThreadLocal.withInitial(
                () -> new Buffers(new byte[inputSize + 1], new float[inputSize], new float[model.classes()]));
        int number = SERVERS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        handlers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "kiln-http-" + number + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            handlerThreads.add(thread);
            return thread;
        });
        server = HttpServer.create(address, 256);
        server.setExecutor(handlers);
        server.createContext("/predict", this::handle);
        server.start();
    }

    /** The address it listens on, with the port chosen when it was started with port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "use POST with the image's bytes as the body\n");
                return;
            }
            Buffers own = buffers.get();
            int length = readBody(exchange.getRequestBody(), own.body());
            if (length != model.inputSize()) {
                reply(exchange, 400, "expected " + model.inputSize() + " bytes (" + model.inputChannels() + "x"
                        + model.inputHeight() + "x" + model.inputWidth() + " pixels, one unsigned byte each), got "
                        + (length > model.inputSize() ? "more" : length) + "\n");
                return;
            }
            toPixels(own.body(), own.image());
            long before = THREAD_BEAN.getCurrentThreadAllocatedBytes();
            model.predict(own.image(), own.probabilities());
            predictBytes.addAndGet(THREAD_BEAN.getCurrentThreadAllocatedBytes() - before);
            predictions.incrementAndGet();
            reply(exchange, 200, json(own.probabilities()));
        }
    }

    /** The model's input for an image's bytes: each gray value scaled to [0, 1]. */
    public static void toPixels(byte[] bytes, float[] image) {
        for (int i = 0; i < image.length; i++) {
            image[i] = (bytes[i] & 0xFF) / 255f;
        }
    }

    /** Reads up to {@code into.length} bytes; a result of {@code into.length} means the body was too long. */
    private static int readBody(InputStream body, byte[] into) throws IOException {
        int length = body.readNBytes(into, 0, into.length);
        body.transferTo(OutputStream.nullOutputStream());   // the rest of a body that is too long
        return length;
    }

    private String json(float[] probabilities) {
        int best = Predictions.argmax(probabilities, 0, model.classes());
        StringBuilder out = new StringBuilder(40 + 16 * model.classes()).append("{\"class\":").append(best);
        if (!labels.isEmpty()) {
            out.append(",\"label\":\"").append(labels.get(best).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        out.append(",\"probabilities\":[");
        for (int k = 0; k < model.classes(); k++) {
            out.append(k == 0 ? "" : ",").append(probabilities[k]);
        }
        return out.append("]}\n").toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Predictions answered so far. */
    public long predictions() {
        return predictions.get();
    }

    /** Bytes the request threads allocated inside {@code model.predict} so far. */
    public long predictBytes() {
        return predictBytes.get();
    }

    /** Bytes the request threads allocated so far, HTTP handling included. */
    public long handlerBytes() {
        long total = 0;
        for (Thread thread : handlerThreads) {
            total += Math.max(0, THREAD_BEAN.getThreadAllocatedBytes(thread.threadId()));
        }
        return total;
    }

    /** Stops accepting requests, lets those in progress finish (at most a second), and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
