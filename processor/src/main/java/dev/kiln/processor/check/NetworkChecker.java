package dev.kiln.processor.check;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.NetworkSpec;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a declared network and infers its shapes, with no javac types, so that all of it can be
 * unit-tested without a compiler.
 *
 * <p>Order: the input, then every layer's attribute values on their own (so independent mistakes
 * in several layers are all reported at once), then the network's structure, then shapes layer
 * by layer. Shape inference stops at the first layer with any error: what follows would only
 * repeat it.
 */
public final class NetworkChecker {

    private NetworkChecker() {}

    public static CheckResult check(NetworkSpec spec) {
        List<Diagnostic> found = new ArrayList<>();
        Optional<Shape> input = input(spec.input(), found);
        List<LayerSpec> layers = spec.layers();
        boolean[] layerHasError = new boolean[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            List<Diagnostic> problems = LayerValueChecks.check(i, layers.get(i));
            found.addAll(problems);
            layerHasError[i] = problems.stream().anyMatch(Diagnostic::isError);
        }
        structure(spec, found);
        if (input.isEmpty()) {
            return new CheckResult(found, Optional.empty());
        }
        List<ResolvedLayer> resolved = new ArrayList<>();
        Shape shape = input.get();
        long flops = 0;
        for (int i = 0; i < layers.size() && !layerHasError[i]; i++) {
            String previous = i == 0 ? "the input" : layers.get(i - 1).name();
            ShapeInference.Step step = ShapeInference.infer(i, layers.get(i), shape, previous);
            found.addAll(step.diagnostics());
            if (step.layer() == null) {
                break;
            }
            if (flops > Long.MAX_VALUE - step.layer().flops()) {
                found.add(Diagnostic.of(Message.TOO_MANY_FLOPS, i, null, List.of(), layers.get(i).name(),
                        Numbers.grouped(Long.MAX_VALUE)));
                break;
            }
            flops += step.layer().flops();
            resolved.add(step.layer());
            shape = step.layer().output();
        }
        boolean ok = found.stream().noneMatch(Diagnostic::isError) && resolved.size() == layers.size();
        Optional<NetworkModel> model = ok
                ? Optional.of(new NetworkModel(spec.packageName(), spec.className(), spec.generatedName(),
                        input.get(), resolved))
                : Optional.empty();
        return new CheckResult(found, model);
    }

    private static Optional<Shape> input(List<Integer> input, List<Diagnostic> found) {
        boolean valid = input.size() == 3 && input.stream().allMatch(n -> n > 0);
        ArraySize values = valid ? ArraySize.product(input.get(0), input.get(1), input.get(2)) : null;
        if (valid && !values.fits()) {
            found.add(Diagnostic.of(Message.INPUT_TOO_LARGE, Diagnostic.NETWORK, "input", List.of(),
                    input.get(0) + "x" + input.get(1) + "x" + input.get(2), values.grouped(), ArraySize.limit()));
            return Optional.empty();
        }
        if (!valid) {
            String written = input.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
            found.add(Diagnostic.of(Message.INVALID_INPUT, Diagnostic.NETWORK, "input",
                    List.of("help: for 28x28 grayscale images, input = {1, 28, 28}"), written));
            return Optional.empty();
        }
        return Optional.of(Shape.spatial(input.get(0), input.get(1), input.get(2)));
    }

    private static void structure(NetworkSpec spec, List<Diagnostic> found) {
        List<LayerSpec> layers = spec.layers();
        if (layers.isEmpty()) {
            found.add(Diagnostic.of(Message.NO_LAYERS, Diagnostic.NETWORK, null,
                    List.of("help: for example  @Dense(units = 10) Layer logits;"), spec.className()));
            return;
        }
        int last = layers.size() - 1;
        LayerSpec lastLayer = layers.get(last);
        if (!(lastLayer instanceof LayerSpec.DenseSpec)) {
            found.add(Diagnostic.of(Message.LAST_LAYER_NOT_DENSE, last, null,
                    List.of("help: end with  @Dense(units = <number of classes>) Layer logits;"),
                    lastLayer.name(), lastLayer.kind()));
        }
    }
}
