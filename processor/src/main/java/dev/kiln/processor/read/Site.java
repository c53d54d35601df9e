package dev.kiln.processor.read;

import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a layer (or the {@code @Network} annotation) sits in the source, for putting a message on
 * it: the element, its annotation, and the values the user wrote by attribute name. Kept apart
 * from the pure model so that checking never sees javac types.
 *
 * @param suppressed the {@code @SuppressWarnings} values on the element and its enclosing classes
 */
public record Site(Element element, AnnotationMirror mirror, Map<String, AnnotationValue> written,
                   Set<String> suppressed) {

    public Site {
        written = Map.copyOf(written);
        suppressed = Set.copyOf(suppressed);
    }

    /** The value the user wrote for {@code attribute}, or null (not written, or no attribute). */
    public AnnotationValue value(String attribute) {
        return attribute == null ? null : written.get(attribute);
    }
}
