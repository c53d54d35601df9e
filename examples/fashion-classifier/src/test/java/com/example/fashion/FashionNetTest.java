package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

class FashionNetTest {

    @Test
    void theGeneratedModelHasTheDeclaredShapes() {
        assertEquals(1, FashionNetModel.INFO.inputChannels());
        assertEquals(28, FashionNetModel.INFO.inputHeight());
        assertEquals(28, FashionNetModel.INFO.inputWidth());
        assertEquals(10, FashionNetModel.INFO.classes());
        // conv1 16*1*5*5 + 16, conv2 32*16*5*5 + 32, hidden (32*7*7)*128 + 128, logits 128*10 + 10
        long expected = (16 * 25 + 16) + (32 * 16 * 25 + 32) + (32 * 7 * 7 * 128 + 128) + (128 * 10 + 10);
        assertEquals(expected, FashionNetModel.INFO.parameters());
    }

    /** Fails when the tests run without --add-modules jdk.incubator.vector, or on a JDK older than 25. */
    @Test
    void testsRunOnTheSimdKernels() {
        String kernels = KernelProvider.get().name();
        assertTrue(kernels.startsWith("vector("), "the tests run on the " + kernels + " kernels");
    }
}
