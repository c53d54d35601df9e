package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class Avx2MachineTest {

    /** The test JVM runs at its machine's level: accepted at exactly 2, refused with how to start it otherwise. */
    @Test
    void acceptsOnlyAJvmAtAvx2() {
        String level = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("UseAVX").getValue();
        if (level.equals("2")) {
            assertDoesNotThrow(Avx2Machine::requireJvmAtAvx2);
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Avx2Machine::requireJvmAtAvx2);
            assertTrue(e.getMessage().contains("-XX:UseAVX=" + level), e.getMessage());
            assertTrue(e.getMessage().contains("./kiln with --avx2"), e.getMessage());
        }
    }

    @Test
    void startupJvmsGetTheOptionAfterTheirOwn() {
        StartupBenchmark.Config config = Avx2Machine.config(new StartupBenchmark.Config("launcher", List.of("-Xss4m")));
        assertEquals(List.of("-Xss4m", "-XX:UseAVX=2"), config.jvmOptions());
        assertEquals("launcher, -XX:UseAVX=2", config.name());
    }
}
