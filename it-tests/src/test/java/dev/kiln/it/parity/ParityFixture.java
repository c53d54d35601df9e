package dev.kiln.it.parity;

import dev.kiln.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * One network's PyTorch reference, as make_parity_fixtures.py wrote it (see that script for what
 * each tensor is), read with Kiln's own safetensors reader.
 */
final class ParityFixture {
    private final SafetensorsFile file;

    private ParityFixture(SafetensorsFile file) {
        this.file = file;
    }

    static ParityFixture of(String network) {
        URL resource = ParityFixture.class.getResource("/dev/kiln/it/parity/" + network + ".safetensors");
        if (resource == null) {
            throw new IllegalStateException("no fixture for " + network + "; run it-tests/src/test/python/make_parity_fixtures.py");
        }
        try {
            return new ParityFixture(SafetensorsFile.open(Path.of(resource.toURI())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tensor's values, flat; null when the fixture has none by that name (e.g. no gradient of a frozen layer). */
    float[] tensor(String name) {
        if (file.tensor(name) == null) {
            return null;
        }
        try {
            return file.floats(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String meta(String key) {
        String value = file.metadata().get(key);
        if (value == null) {
            throw new IllegalStateException(file.path() + " has no metadata " + key);
        }
        return value;
    }

    long longMeta(String key) {
        return Long.parseLong(meta(key));
    }

    double doubleMeta(String key) {
        return Double.parseDouble(meta(key));
    }

    /** Every {@code stride(p)}-th element of parameter {@code p} is stored: 1 for small tensors. */
    int stride(String parameter) {
        return Integer.parseInt(meta("stride/" + parameter));
    }
}
