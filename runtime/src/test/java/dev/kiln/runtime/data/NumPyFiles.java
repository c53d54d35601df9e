package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs numpy (python3-numpy) to write .npy files for tests; tests that need it are skipped where it is absent. */
final class NumPyFiles {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private NumPyFiles() {
    }

    /** Runs {@code script} with numpy imported as np and the working directory {@code dir}. */
    static void run(Path dir, String script) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + ": the files numpy would write are not tested");
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        assumeTrue(check.waitFor() == 0, "python3 has no numpy (apt-get install python3-numpy): not tested");
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy as np\n" + script)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        if (!python.waitFor(60, TimeUnit.SECONDS) || python.exitValue() != 0) {
            throw new IOException("python3 failed: " + output);
        }
    }
}
