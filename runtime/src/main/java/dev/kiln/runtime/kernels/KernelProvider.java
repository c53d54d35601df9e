package dev.kiln.runtime.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Consumer;

/**
 * Chooses the {@link Kernels} implementation once per JVM.
 *
 * <p>The Vector API implementation is used when the module {@value #VECTOR_MODULE} is in the boot
 * layer and the system property {@value #PROPERTY} is not {@code "false"}. It is loaded by class
 * name, so no class on the scalar path links against the incubator API: without the module,
 * touching such a class would fail with {@code NoClassDefFoundError}. On the scalar path one line
 * on stderr says how to turn SIMD on.
 */
public final class KernelProvider {

    /** System property that forces the scalar kernels when set to {@code false}. */
    public static final String PROPERTY = "kiln.vector";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "dev.kiln.runtime.kernels.VectorKernels";

    private static final Kernels INSTANCE = choose(
            System.getProperty(PROPERTY),
            ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent(),
            System.err::println);

    private KernelProvider() {
    }

    /** The kernels of this JVM, the same instance on every call. */
    public static Kernels get() {
        return INSTANCE;
    }

    /**
     * The choice itself, with its inputs as parameters so tests can drive it.
     *
     * @param property      the value of {@value #PROPERTY}, or null when unset
     * @param modulePresent whether {@value #VECTOR_MODULE} is in the boot layer
     * @param warn          receives the one-line notice when the result is scalar
     */
    static Kernels choose(String property, boolean modulePresent, Consumer<String> warn) {
        if ("false".equalsIgnoreCase(property)) {
            warn.accept("Kiln: SIMD is off (-D" + PROPERTY + "=false); using scalar kernels. "
                    + "Drop that property and run java with --add-modules " + VECTOR_MODULE + " to enable it.");
            return new ScalarKernels();
        }
        if (!modulePresent) {
            warn.accept("Kiln: SIMD is off because module " + VECTOR_MODULE + " is not loaded; using scalar kernels. "
                    + "Run java with --add-modules " + VECTOR_MODULE + " to enable it.");
            return new ScalarKernels();
        }
        try {
            CompilerDirectives.install();
            return loadVectorKernels();
        } catch (ReflectiveOperationException | LinkageError e) {
            warn.accept("Kiln: SIMD is off because the Vector API kernels failed to load (" + e
                    + "); using scalar kernels. Run java with --add-modules " + VECTOR_MODULE + " to enable it.");
            return new ScalarKernels();
        }
    }

    private static Kernels loadVectorKernels() throws ReflectiveOperationException {
        try {
            Class<?> type = Class.forName(VECTOR_CLASS, true, KernelProvider.class.getClassLoader());
            var constructor = MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class));
            return (Kernels) constructor.invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
