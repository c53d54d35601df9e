package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

    private final List<String> notices = new ArrayList<>();

    @Test
    void vectorWhenTheModuleIsPresentAndNotDisabled() {
        assertInstanceOf(VectorKernels.class, KernelProvider.choose(null, true, notices::add));
        assertInstanceOf(VectorKernels.class, KernelProvider.choose("true", true, notices::add));
        assertEquals(List.of(), notices);
    }

    @Test
    void propertyFalseForcesScalarAndSaysHowToEnable() {
        assertInstanceOf(ScalarKernels.class, KernelProvider.choose("false", true, notices::add));
        assertEquals(1, notices.size());
        assertTrue(notices.get(0).contains("SIMD is off"), notices.get(0));
        assertTrue(notices.get(0).contains("--add-modules jdk.incubator.vector"), notices.get(0));
    }

    @Test
    void missingModuleGivesScalarAndNamesTheFlag() {
        assertInstanceOf(ScalarKernels.class, KernelProvider.choose(null, false, notices::add));
        assertEquals(1, notices.size());
        assertTrue(notices.get(0).contains("SIMD is off"), notices.get(0));
        assertTrue(notices.get(0).contains("--add-modules jdk.incubator.vector"), notices.get(0));
    }

    @Test
    void getReturnsOneInstanceAndVectorHere() {
        // Surefire runs with --add-modules jdk.incubator.vector and without -Dkiln.vector.
        assertSame(KernelProvider.get(), KernelProvider.get());
        assertInstanceOf(VectorKernels.class, KernelProvider.get());
        assertTrue(KernelProvider.get().name().startsWith("vector("), KernelProvider.get().name());
    }
}
