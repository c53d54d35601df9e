package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        assertEquals(Options.DEFAULTS, Options.parse());
    }

    @Test
    void readsEveryOption() {
        Options options = Options.parse("--train-images", "3000", "--test-images", "500", "--epochs", "1", "--batch-size", "32",
                "--seed", "5", "--checkpoint", "out/net.kiln", "--data", "/data/fashion");
        assertEquals(new Options(3000, 500, 1, 32, 5, Path.of("out/net.kiln"), Path.of("/data/fashion")), options);
    }

    @Test
    void errorsNameTheOptionAtFault() {
        assertEquals("unknown option --limit", message("--limit", "5"));
        assertEquals("--epochs needs a value", message("--epochs"));
        assertEquals("--epochs needs a whole number, got \"two\"", message("--epochs", "two"));
        assertEquals("--batch-size must be at least 1, got 0", message("--batch-size", "0"));
        assertEquals("--train-images 99999999999 is too large", message("--train-images", "99999999999"));
        assertEquals("unexpected argument \"model.kiln\"", message("model.kiln"));
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
    }
}
