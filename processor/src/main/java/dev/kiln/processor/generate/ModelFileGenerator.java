package dev.kiln.processor.generate;

import com.palantir.javapoet.JavaFile;
import dev.kiln.processor.model.NetworkModel;
import java.io.IOException;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/** Writes the model class of a checked network. */
public final class ModelFileGenerator {

    /**
     * Writes {@code model.generatedName()} into {@code model.packageName()}, with
     * {@code origin} as its only originating element (Gradle's isolating mode relies on that).
     */
    public void write(NetworkModel model, String weights, TypeElement origin, Filer filer) throws IOException {
        generate(model, weights, origin).writeTo(filer);
    }

    /** The generated source, without writing it; {@code origin} may be null outside a processor. */
    public static JavaFile generate(NetworkModel model, Element origin) {
        return generate(model, "", origin);
    }

    /**
     * As {@link #generate(NetworkModel, Element)}, with {@code loadWeights()} when {@code weights}
     * (the annotation's file, already checked against the network) is not empty.
     */
    public static JavaFile generate(NetworkModel model, String weights, Element origin) {
        return new ModelClassGenerator(model, weights).generate(origin);
    }
}
