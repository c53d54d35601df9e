package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector width the kernels run at follows the JVM's {@code -XX:MaxVectorSize}. The build runs
 * the kernel comparison tests a second and third time with {@code -XX:MaxVectorSize=32} and
 * {@code 16} (runtime/pom.xml), so the 256-bit and 128-bit paths are checked against the scalar
 * kernels on any machine; this test proves those runs really had the narrower species, rather than
 * silently repeating the machine's widest one.
 */
class VectorWidthTest {

    /** Set by the narrow-vector executions of surefire: the width in bits their flag asks for. */
    static final String EXPECTED_BITS = "kiln.test.expectedVectorBits";

    @Test
    void preferredSpeciesIsAsWideAsMaxVectorSize() {
        int maxVectorBytes = Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxVectorSize").getValue());
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        System.out.printf("VectorWidthTest: MaxVectorSize=%d bytes, preferred species %s (%d bits, %d floats), kernels %s%n",
                maxVectorBytes, FloatVector.SPECIES_PREFERRED, bits, FloatVector.SPECIES_PREFERRED.length(),
                KernelProvider.get().name());
        assertEquals(8 * maxVectorBytes, bits, "the preferred species should be as wide as MaxVectorSize");
        assertEquals(bits, VectorTiles.S.vectorBitSize(), "the kernels' species should be the preferred one");
        String expected = System.getProperty(EXPECTED_BITS);
        if (expected != null) {
            // A machine narrower than the flag keeps its own width (the JVM lowers MaxVectorSize);
            // a wider species than asked would mean the flag did not reach this JVM.
            assertTrue(bits <= Integer.parseInt(expected),
                    "this run was started with a MaxVectorSize for " + expected + "-bit vectors, but the species has " + bits);
        }
    }
}
