package dev.kiln.reports;

import java.util.ArrayList;
import java.util.List;

/** The names a report shows for class indices: those given, or the indices themselves. */
final class ClassNames {
    private ClassNames() {}

    /** {@code names} when it names all {@code classes} classes; "0", "1", ... when it is empty. */
    static List<String> of(List<String> names, int classes) {
        if (names.isEmpty()) {
            List<String> indices = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                indices.add(Integer.toString(c));
            }
            return indices;
        }
        if (names.size() != classes) {
            throw new IllegalArgumentException(names.size() + " class names for " + classes + " classes: " + names);
        }
        return List.copyOf(names);
    }
}
