package dev.kiln.processor;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.read.Site;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationValue;
import javax.tools.Diagnostic.Kind;

/**
 * Prints diagnostics at their place in the source: on the attribute's value when the user wrote
 * one (javac's caret then lands under {@code stride = 3}), else on the annotation, else on the
 * element. Warnings the site suppresses with {@code @SuppressWarnings} are dropped here.
 */
final class Reporter {

    private final Messager messager;
    private boolean errors;

    Reporter(Messager messager) {
        this.messager = messager;
    }

    void report(Diagnostic diagnostic, Site site) {
        Message message = diagnostic.message();
        if (message.suppressToken() != null && site.suppressed().contains(message.suppressToken())) {
            return;
        }
        Kind kind = switch (message.severity()) {
            case ERROR -> Kind.ERROR;
            case WARNING -> Kind.WARNING;
            case NOTE -> Kind.NOTE;
        };
        errors |= kind == Kind.ERROR;
        AnnotationValue value = site.value(diagnostic.attribute());
        if (site.mirror() == null) {
            messager.printMessage(kind, diagnostic.text(), site.element());
        } else if (value == null) {
            messager.printMessage(kind, diagnostic.text(), site.element(), site.mirror());
        } else {
            messager.printMessage(kind, diagnostic.text(), site.element(), site.mirror(), value);
        }
    }

    /** True once an error was printed since the last {@link #reset()}. */
    boolean hadErrors() {
        return errors;
    }

    void reset() {
        errors = false;
    }
}
