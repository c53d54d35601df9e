package dev.kiln.processor.generate;

import dev.kiln.processor.model.NetworkModel;
import java.io.IOException;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;

/**
 * Writes the model class of a checked network. (Placeholder: the generator is being written.)
 */
public final class ModelFileGenerator {

    /**
     * Writes {@code model.generatedName()} into {@code model.packageName()}, with
     * {@code origin} as its only originating element (Gradle's isolating mode relies on that).
     */
    public void write(NetworkModel model, TypeElement origin, Filer filer) throws IOException {
        // Filled in by the generator work.
    }
}
