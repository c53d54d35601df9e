package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code kiln profile}: its table, and the settings it refuses before training. */
class ProfileCommandTest {

    @Test
    void badSettingsAreRefusedBeforeItTrains() {
        assertEquals("--batch must be 1 or more, not 0", CommandRun.failure("profile", "pytorch-mnist", "--batch", "0"));
        assertTrue(CommandRun.failure("profile", "pytorch-mnist", "--threads", "1,9", "--batch", "8")
                .startsWith("--threads 9 is more than pytorch-mnist can use: at most "), "thread limit");
        assertEquals("--warmup and --seconds must be 0 or more", CommandRun.failure("profile", "pytorch-mnist", "--seconds", "-1"));
    }

    @Test
    void itPrintsEveryLayersKernels() {
        String out = CommandRun.output("profile", "pytorch-mnist", "--threads", "1", "--batch", "4", "--warmup", "0", "--seconds", "0");
        for (String row : new String[] {"| conv1 | forward |", "| conv2 | weight gradient", "| logits | input gradient |",
                                        "| outside the kernels |"}) {
            assertTrue(out.contains(row), row + " in:\n" + out);
        }
    }
}
