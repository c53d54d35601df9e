package dev.kiln.processor.read;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * The attribute values of one annotation, by name, defaults included, plus which ones the user
 * wrote. A value of an unexpected type means the source has its own compile error there (javac
 * reports it); reading then stops with {@link Unreadable} and the class is left alone.
 */
final class AnnotationValues {

    /** The annotation has a value javac could not evaluate. */
    static final class Unreadable extends Exception {
        Unreadable(String attribute) {
            super(attribute, null, false, false);
        }
    }

    private final Map<String, AnnotationValue> all = new HashMap<>();
    private final Map<String, AnnotationValue> written = new HashMap<>();

    AnnotationValues(AnnotationMirror mirror, Elements elements) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : elements.getElementValuesWithDefaults(mirror).entrySet()) {
            all.put(e.getKey().getSimpleName().toString(), e.getValue());
        }
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : mirror.getElementValues().entrySet()) {
            written.put(e.getKey().getSimpleName().toString(), e.getValue());
        }
    }

    Map<String, AnnotationValue> written() {
        return written;
    }

    Set<String> writtenNames() {
        return Set.copyOf(written.keySet());
    }

    int integer(String name) throws Unreadable {
        return get(name, Integer.class);
    }

    double decimal(String name) throws Unreadable {
        Object value = raw(name);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new Unreadable(name);
    }

    boolean bool(String name) throws Unreadable {
        return get(name, Boolean.class);
    }

    /** An enum constant's name, e.g. "SAME". */
    String constant(String name) throws Unreadable {
        return get(name, VariableElement.class).getSimpleName().toString();
    }

    String string(String name) throws Unreadable {
        return get(name, String.class);
    }

    List<Integer> integers(String name) throws Unreadable {
        Object value = raw(name);
        if (!(value instanceof List<?> list)) {
            throw new Unreadable(name);
        }
        List<Integer> result = new java.util.ArrayList<>();
        for (Object element : list) {
            if (!(element instanceof AnnotationValue v) || !(v.getValue() instanceof Integer i)) {
                throw new Unreadable(name);
            }
            result.add(i);
        }
        return result;
    }

    private <T> T get(String name, Class<T> type) throws Unreadable {
        Object value = raw(name);
        if (!type.isInstance(value)) {
            throw new Unreadable(name);
        }
        return type.cast(value);
    }

    private Object raw(String name) throws Unreadable {
        AnnotationValue value = all.get(name);
        if (value == null) {
            throw new Unreadable(name);
        }
        return value.getValue();
    }
}
