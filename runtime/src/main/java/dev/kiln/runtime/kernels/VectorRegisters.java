package dev.kiln.runtime.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * How many vector registers the JIT can give a register-blocked tile on this machine, which decides
 * how many accumulators the tile may keep (see {@link VectorTiles#ROWS}). x86 has 16 (xmm/ymm 0-15)
 * up to AVX2 and 32 with AVX-512, whose EVEX encoding reaches registers 16-31 at every width: an
 * AVX-512 machine run with {@code -XX:MaxVectorSize=32} still has 32, so the vector width alone does
 * not tell. HotSpot names the x86 level it generates code for in its flag {@code UseAVX} (3 =
 * AVX-512). AArch64 (NEON and SVE) has 32. No Vector API class is linked here.
 */
final class VectorRegisters {

    /** The registers of this JVM's vector code; {@code vectorBits} decides only when UseAVX cannot be read. */
    static int count(int vectorBits) {
        return count(System.getProperty("os.arch", ""), useAvx(), vectorBits);
    }

    /**
     * The choice itself, its inputs as parameters so tests can drive it.
     *
     * @param arch       {@code os.arch}
     * @param useAvx     HotSpot's UseAVX, or -1 when unknown (not x86, or not readable)
     * @param vectorBits the kernels' vector width, the guess when UseAVX is unknown on x86
     */
    static int count(String arch, int useAvx, int vectorBits) {
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
        if (!x86) {
            return 32;
        }
        if (useAvx >= 0) {
            return useAvx >= 3 ? 32 : 16;
        }
        return vectorBits >= 512 ? 32 : 16;
    }

    private VectorRegisters() {
    }

    private static int useAvx() {
        try {
            return Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;              // not a HotSpot x86 JVM, or no management: fall back on the width
        }
    }
}
