package dev.kiln.processor.check;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.model.NetworkModel;
import java.util.List;
import java.util.Optional;

/**
 * What checking a network found: every diagnostic (errors and warnings, in source order of the
 * layers), and the checked model when there was no error.
 */
public record CheckResult(List<Diagnostic> diagnostics, Optional<NetworkModel> model) {

    public CheckResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> !d.isError()).toList();
    }
}
