package dev.kiln.cli.serve;

import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Load on a {@link PredictionServer} from concurrent clients in the same JVM, over loopback, for
 * a fixed time: throughput, latency percentiles, wrong answers and the server's allocation per
 * request. Every answer is checked against what {@code model.predict} gives for the same image on
 * one thread, probability by probability, bit for bit.
 *
 * <p>The clients run for a warm-up and then a measured window; only requests that complete in
 * the window count. Each client sends its next request when the last one is answered (a closed
 * loop), so the latency includes queueing at the server.
 */
public final class LoadTest {
    /** Longest a single request may take before it counts as failed; the test never waits longer. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private LoadTest() {}

    /** What one run measured. Allocation counts the server's request threads only (not its accept thread). */
    public record Report(int clients, double seconds, long requests, long wrongAnswers, long failedRequests,
                         double p50Millis, double p99Millis, double handlerBytesPerRequest, double predictBytesPerRequest) {

        public double requestsPerSecond() {
            return requests / seconds;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%d clients, %.1f s: %,d requests, %,.0f requests/s, latency p50 %.2f ms,"
                            + " p99 %.2f ms, %d wrong answers, %d failed requests; server allocation per request:"
                            + " %,.0f bytes in the request thread, %,.1f of them in predict",
                    clients, seconds, requests, requestsPerSecond(), p50Millis, p99Millis, wrongAnswers, failedRequests,
                    handlerBytesPerRequest, predictBytesPerRequest);
        }
    }

    /**
     * Runs {@code clients} clients against {@code server} (which serves {@code model}) with the
     * given images ({@code model.inputSize()} bytes each) for {@code warmUp}, then measures for
     * {@code window}. Returns when every client has stopped.
     */
    public static Report run(PredictionServer server, Model model, byte[][] images, int clients,
                             Duration warmUp, Duration window) throws InterruptedException {
        float[][] expected = expectedAnswers(model, images);
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/predict");
        long start = System.nanoTime();
        long windowStart = start + warmUp.toNanos(), windowEnd = windowStart + window.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT).build()) {
            List<Future<ClientResult>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> runClient(http, uri, images, expected, client, clients, windowStart, windowEnd)));
            }
            sleepUntil(windowStart);
            long handlerBefore = server.handlerBytes(), predictBefore = server.predictBytes();
            long predictionsBefore = server.predictions();
            sleepUntil(windowEnd);
            long handlerAfter = server.handlerBytes(), predictAfter = server.predictBytes();
            long served = server.predictions() - predictionsBefore;

            long[] latencies = new long[0];
            long wrong = 0, failed = 0;
            for (Future<ClientResult> result : results) {
                ClientResult r = get(result, windowEnd);
                latencies = concat(latencies, r.latencies());
                wrong += r.wrong();
                failed += r.failed();
            }
            Arrays.sort(latencies);
            return new Report(clients, window.toNanos() / 1e9, latencies.length, wrong, failed,
                    percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                    served == 0 ? 0 : (double) (handlerAfter - handlerBefore) / served,
                    served == 0 ? 0 : (double) (predictAfter - predictBefore) / served);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The answers of {@code model.predict} on this thread alone, for the images as the server converts them. */
    static float[][] expectedAnswers(Model model, byte[][] images) {
        float[][] expected = new float[images.length][];
        float[] pixels = new float[model.inputSize()];
        for (int i = 0; i < images.length; i++) {
            PredictionServer.toPixels(images[i], pixels);
            expected[i] = model.predict(pixels);
        }
        return expected;
    }

    private record ClientResult(long[] latencies, long wrong, long failed) {}

    private static ClientResult runClient(HttpClient http, URI uri, byte[][] images, float[][] expected,
                                          int client, int clients, long windowStart, long windowEnd) {
        long[] latencies = new long[1024];
        int count = 0;
        long wrong = 0, failed = 0;
        for (int k = 0; System.nanoTime() < windowEnd; k++) {
            int image = (int) ((client + (long) k * clients) % images.length);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(images[image])).build();
            long sent = System.nanoTime();
            boolean right;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                right = response.statusCode() == 200 && matches(response.body(), expected[image]);
            } catch (java.io.IOException e) {
                if (System.nanoTime() < windowEnd) {
                    failed++;
                }
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long done = System.nanoTime();
            if (sent >= windowStart && done <= windowEnd) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = done - sent;
            }
            if (!right) {
                wrong++;                          // during warm-up too: any wrong answer is one too many
            }
        }
        return new ClientResult(Arrays.copyOf(latencies, count), wrong, failed);
    }

    /** Whether the answer's class and every probability are exactly those expected. */
    static boolean matches(String json, float[] expected) {
        int classAt = json.indexOf("\"class\":"), listAt = json.indexOf("\"probabilities\":[");
        if (classAt < 0 || listAt < 0) {
            return false;
        }
        int classEnd = classAt + 8;
        while (classEnd < json.length() && Character.isDigit(json.charAt(classEnd))) {
            classEnd++;
        }
        int answeredClass = Integer.parseInt(json.substring(classAt + 8, classEnd));
        String[] values = json.substring(listAt + 17, json.indexOf(']', listAt)).split(",");
        if (values.length != expected.length || answeredClass != Predictions.argmax(expected, 0, expected.length)) {
            return false;
        }
        for (int k = 0; k < values.length; k++) {
            if (Float.floatToIntBits(Float.parseFloat(values[k])) != Float.floatToIntBits(expected[k])) {
                return false;
            }
        }
        return true;
    }

    private static ClientResult get(Future<ClientResult> result, long windowEnd) throws InterruptedException {
        long wait = windowEnd - System.nanoTime() + REQUEST_TIMEOUT.toNanos() * 2;
        try {
            return result.get(Math.max(1, wait), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a load-test client failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a load-test client did not stop within twice the request timeout after the window", e);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
