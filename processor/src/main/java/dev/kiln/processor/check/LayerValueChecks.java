package dev.kiln.processor.check;

import dev.kiln.dsl.Init;
import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.LayerSpec.ConvSpec;
import dev.kiln.processor.model.LayerSpec.DenseSpec;
import dev.kiln.processor.model.LayerSpec.DropoutSpec;
import dev.kiln.processor.model.LayerSpec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks each attribute of one layer on its own, with no shapes: sizes at least 1, paddings not
 * negative, no conflicting attributes, sensible initializer and dropout values. Every problem is
 * reported, so a user fixes a layer in one round.
 */
final class LayerValueChecks {

    private final int index;
    private final LayerSpec spec;
    private final List<Diagnostic> found = new ArrayList<>();

    private LayerValueChecks(int index, LayerSpec spec) {
        this.index = index;
        this.spec = spec;
    }

    static List<Diagnostic> check(int index, LayerSpec spec) {
        LayerValueChecks checks = new LayerValueChecks(index, spec);
        switch (spec) {
            case ConvSpec conv -> checks.conv(conv);
            case PoolSpec pool -> checks.pool(pool);
            case DenseSpec dense -> checks.dense(dense);
            case DropoutSpec dropout -> checks.dropout(dropout);
            case LayerSpec.GlobalAvgPoolSpec ignored -> { }
        }
        return checks.found;
    }

    private void conv(ConvSpec conv) {
        atLeastOne("filters", conv.filters());
        Set<String> written = conv.explicit();
        boolean square = written.contains("kernel");
        boolean height = written.contains("kernelHeight");
        boolean width = written.contains("kernelWidth");
        if (square && (height || width)) {
            String other = height ? "kernelHeight" : "kernelWidth";
            int otherValue = height ? conv.kernelHeight() : conv.kernelWidth();
            report(Message.CONFLICTING_KERNEL, other, List.of(), spec.name(), other, otherValue);
        } else if (square) {
            atLeastOne("kernel", conv.kernelHeight());
        } else if (height && width) {
            atLeastOne("kernelHeight", conv.kernelHeight());
            atLeastOne("kernelWidth", conv.kernelWidth());
        } else {
            String attribute = height ? "kernelHeight" : width ? "kernelWidth" : null;
            report(Message.MISSING_KERNEL, attribute, List.of(), spec.name());
        }
        atLeastOne("stride", conv.stride());
        // A convolution's padding has no bound of its own: shape inference reports one too large
        // for the padded input to fit an array (ConvPaddingTooLarge).
        padding(conv.padding(), conv.mode(), conv.floor(), 0);
        init(conv.init(), conv.activation().name());
        l2(conv.l2());
    }

    private void pool(PoolSpec pool) {
        atLeastOne("size", pool.size());
        // The default 0 stands for "the window size"; written out, 0 (or less) is a stride of
        // nothing, which the default's meaning would silently replace.
        if (pool.explicit().contains("stride") && pool.stride() < 1) {
            report(Message.NOT_POSITIVE, "stride",
                    List.of("help: leave stride out for windows side by side (stride = size = " + pool.size() + ")"),
                    spec.name(), "stride", pool.stride());
        }
        padding(pool.padding(), pool.mode(), pool.floor(), pool.size());
    }

    private void dense(DenseSpec dense) {
        atLeastOne("units", dense.units());
        init(dense.init(), dense.activation().name());
        l2(dense.l2());
    }

    private void dropout(DropoutSpec dropout) {
        double rate = dropout.rate();
        if (!(rate >= 0 && rate < 1)) {
            report(Message.DROPOUT_RATE, "value",
                    List.of("help: the rate is the fraction dropped; TensorFlow 1's keep_prob = 0.8 is @Dropout(0.2)"),
                    spec.name(), Numbers.decimal(rate));
        }
    }

    /**
     * {@code windowSize} bounds a pool's padding (a window wholly in the padding has no input);
     * a convolution passes 0, no bound.
     */
    private void padding(int padding, Padding mode, boolean floor, int windowSize) {
        Set<String> written = spec.explicit();
        if (written.contains("padding") && mode != Padding.EXPLICIT) {
            report(Message.PADDING_WITH_MODE, "padding",
                    List.of("help: remove padding = " + padding + " for TensorFlow's " + mode
                            + ", or remove mode = " + mode + " for " + Numbers.count(padding, "pixel")
                            + " of zeros per side"),
                    spec.name(), padding, mode);
        } else if (padding < 0) {
            report(Message.NEGATIVE, "padding", List.of(), spec.name(), "padding", padding);
        } else if (mode == Padding.EXPLICIT && windowSize > 0 && padding > windowSize / 2) {
            report(Message.POOL_PADDING_TOO_LARGE, "padding",
                    List.of("help: padding = " + windowSize / 2 + " is the most a window of " + windowSize + " allows"),
                    spec.name(), padding, windowSize);
        }
        if (floor && mode != Padding.EXPLICIT) {
            report(Message.USELESS_FLOOR, "floor", List.of(), spec.name(), mode);
        }
    }

    private void init(InitSpec init, String activation) {
        Set<String> written = spec.explicit();
        boolean normal = init.weights() == Init.NORMAL || init.weights() == Init.TRUNCATED_NORMAL;
        if (!Double.isFinite(init.stddev())) {
            report(Message.NOT_FINITE, "stddev", List.of(), spec.name(), "stddev", Numbers.decimal(init.stddev()));
        } else if (normal && !(init.stddev() > 0)) {
            String attribute = written.contains("stddev") ? "stddev" : "init";
            report(Message.STDDEV_NOT_POSITIVE, attribute,
                    List.of("help: the seeds use values such as stddev = 0.1 or stddev = 0.01"),
                    spec.name(), init.weights(), Numbers.decimal(init.stddev()));
        } else if (!normal && written.contains("stddev")) {
            String which = written.contains("init")
                    ? init.weights().toString()
                    : "AUTO, that is " + init.weights() + " for activation " + activation;
            report(Message.STDDEV_WITHOUT_NORMAL, "stddev",
                    List.of("help: add init = Init.NORMAL or init = Init.TRUNCATED_NORMAL, or remove stddev"),
                    spec.name(), Numbers.decimal(init.stddev()), which);
        }
        if (!Double.isFinite(init.bias())) {
            report(Message.NOT_FINITE, "bias", List.of(), spec.name(), "bias", Numbers.decimal(init.bias()));
        }
    }

    private void l2(double l2) {
        if (!Double.isFinite(l2)) {
            report(Message.NOT_FINITE, "l2", List.of(), spec.name(), "l2", Numbers.decimal(l2));
        } else if (l2 < 0) {
            report(Message.NEGATIVE, "l2", List.of(), spec.name(), "l2", Numbers.decimal(l2));
        }
    }

    private void atLeastOne(String attribute, int value) {
        if (value < 1) {
            report(Message.NOT_POSITIVE, attribute, List.of(), spec.name(), attribute, value);
        }
    }

    private void report(Message message, String attribute, List<String> notes, Object... args) {
        found.add(Diagnostic.of(message, index, attribute, notes, args));
    }
}
