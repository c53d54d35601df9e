package dev.kiln.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.JavaFileObject;

/** Compiles test sources with the Kiln processor, checking only (no generated models). */
final class ProcessorCompiler {
    private ProcessorCompiler() {}

    static final String IMPORTS = "package test;\nimport dev.kiln.dsl.*;\n";

    /** {@code test.Net} made of the imports and {@code body}. */
    static JavaFileObject source(String className, String body) {
        return JavaFileObjects.forSourceString("test." + className, IMPORTS + body);
    }

    static Compilation compile(JavaFileObject... sources) {
        return compile(List.of(sources), false);
    }

    static Compilation compile(List<JavaFileObject> sources, boolean summary) {
        return Compiler.javac()
                .withProcessors(new KilnProcessor())
                .withOptions("-Akiln.generate=false", "-Akiln.summary=" + summary, "-proc:only",
                        // javac stops printing after 100 errors by default; batches have more.
                        "-Xmaxerrs", "100000", "-Xmaxwarns", "100000")
                .compile(sources);
    }
}
