package dev.kiln.processor.generate;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.palantir.javapoet.JavaFile;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.model.AbstractModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Generates a network's model, compiles it in memory against the runtime, and instantiates it. */
final class CompiledModels {
    private CompiledModels() {}

    /** The model class of {@code net}, compiled with javac and loaded in a fresh class loader. */
    static Class<?> compile(NetworkModel net) {
        JavaFile file = ModelFileGenerator.generate(net, null);
        Compilation compilation = Compiler.javac()
                .withOptions("-Xlint:all", "-Werror")
                .compile(file.toJavaFileObject());
        assertThat(compilation).succeeded();
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject object : compilation.generatedFiles()) {
            if (object.getKind() == JavaFileObject.Kind.CLASS) {
                String path = object.toUri().getPath();
                String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(), path.length() - 6)
                        .replace('/', '.');
                try (InputStream in = object.openInputStream()) {
                    classes.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        try {
            return new BytesLoader(classes).loadClass(net.packageName() + "." + net.generatedName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("compiled classes: " + classes.keySet(), e);
        }
    }

    /** {@code create(seed, threads, kernels)} of a compiled model class. */
    static AbstractModel<?> create(Class<?> type, long seed, int threads, Kernels kernels) {
        try {
            return (AbstractModel<?>) type.getMethod("create", long.class, int.class, Kernels.class)
                    .invoke(null, seed, threads, kernels);
        } catch (InvocationTargetException e) {
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static final class BytesLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        BytesLoader(Map<String, byte[]> classes) {
            super(CompiledModels.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
