package dev.kiln.processor.diag;

import java.util.List;

/**
 * One problem found in a network, with no javac types: what (the message and its text) and where
 * (a layer index, or {@link #NETWORK} for the {@code @Network} annotation, and the attribute at
 * fault, or null for the whole annotation). The processor maps the place to the source.
 *
 * @param lines the first line, then the notes (why) and help lines (a checked repair)
 */
public record Diagnostic(Message message, int layer, String attribute, List<String> lines) {

    /** The layer index that stands for the {@code @Network} annotation. */
    public static final int NETWORK = -1;

    public Diagnostic {
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a diagnostic needs a first line");
        }
    }

    public static Diagnostic of(Message message, int layer, String attribute, List<String> notes, Object... args) {
        List<String> all = new java.util.ArrayList<>();
        all.add(message.format(args));
        all.addAll(notes);
        return new Diagnostic(message, layer, attribute, all);
    }

    public boolean isError() {
        return message.severity() == Message.Severity.ERROR;
    }

    /** The text as printed: the tag and first line, then each further line indented by two spaces. */
    public String text() {
        StringBuilder out = new StringBuilder(message.tag()).append(' ').append(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            out.append("\n  ").append(line);
        }
        return out.toString();
    }
}
