package dev.kiln.runtime.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The compiler directives file the runtime ships ({@link CompilerDirectives#RESOURCE}), as the tests read it. */
final class ShippedDirectives {

    private ShippedDirectives() {
    }

    static String text() throws IOException {
        try (InputStream in = CompilerDirectives.class.getResourceAsStream(CompilerDirectives.RESOURCE)) {
            if (in == null) {
                throw new IOException("no resource " + CompilerDirectives.RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
