package dev.kiln.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Downloads one file and puts it in place only once it is complete and its content sum is right:
 * it is written to a temporary file beside the target, checked, then renamed atomically. On any
 * failure the temporary file is deleted, so the target is either absent or correct.
 */
public final class Downloader {
    private final Duration timeout;
    private final Consumer<String> log;

    /**
     * @param timeout how long connecting and receiving the response headers may take
     * @param log     receives one line per download (may be {@code line -> {}})
     */
    public Downloader(Duration timeout, Consumer<String> log) {
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * A client for one download, made only when a file is missing: building one initialises TLS and
     * reads the trust store, which cost every command 0.3-0.4 s of start-up when the data was there.
     */
    private HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Downloads {@code url} to {@code target}, whose uncompressed content must have SHA-256 {@code contentSha256}. */
    public void download(URI url, Path target, String contentSha256) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".part");
        try {
            log.accept("downloading " + url + " to " + target);
            long bytes = fetch(url, temporary);
            String actual;
            try {
                actual = ContentDigest.sha256(temporary);
            } catch (IOException e) {
                throw new IOException(target.getFileName() + " from " + url + " is not a valid gzip file ("
                        + e.getMessage() + "); the download was discarded", e);
            }
            if (!actual.equalsIgnoreCase(contentSha256)) {
                throw new IOException(target.getFileName() + " from " + url + " has the wrong content: SHA-256 "
                        + actual + ", expected " + contentSha256 + "; the download was discarded");
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.accept("  " + target.getFileName() + ": " + bytes + " bytes, SHA-256 of the content verified");
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Copies the response body to {@code file}; returns its length. */
    private long fetch(URI url, Path file) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        try (HttpClient client = newClient()) {
            return copyBody(client, request, url, file);
        }
    }

    private long copyBody(HttpClient client, HttpRequest request, URI url, Path file) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        } catch (IOException e) {
            throw new IOException("cannot download " + url + ": " + describe(e), e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("cannot download " + url + ": the server answered HTTP " + response.statusCode());
        }
        long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long received = 0;
        try (InputStream body = response.body(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                received += n;
            }
        } catch (IOException e) {
            throw new IOException("the download of " + url + " broke off after " + received + " bytes"
                    + (expected >= 0 ? " of " + expected : "") + ": " + describe(e), e);
        }
        if (expected >= 0 && received != expected) {
            throw new IOException("the download of " + url + " broke off after " + received + " bytes of " + expected);
        }
        return received;
    }

    /** What went wrong, in words: a refused or impossible connection often comes without a message. */
    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return "could not connect (no network, or the server is down)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within the time limit";
        }
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }
}
