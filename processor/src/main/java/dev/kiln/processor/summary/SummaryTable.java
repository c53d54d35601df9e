package dev.kiln.processor.summary;

import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's summary as a plain-text table, like Keras's {@code model.summary()}: one row per
 * layer (name, kind, output shape, parameters, forward FLOPs), then the totals.
 *
 * <p>FLOPs are per example and count 2 per multiply-add of the convolutions and dense layers
 * only; biases, activations, pooling and dropout are left out, as most published FLOP counts do.
 */
public final class SummaryTable {

    private static final String[] HEADER = {"Layer", "Kind", "Output shape", "Params", "FLOPs"};

    private SummaryTable() {}

    /** The table, lines separated by {@code \n}, with no trailing newline. */
    public static String render(NetworkModel model) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.add(new String[] {"(input)", "", model.input().toString(), "", ""});
        for (ResolvedLayer layer : model.layers()) {
            rows.add(new String[] {
                layer.name(),
                kindOf(layer),
                layer.output().toString(),
                Numbers.grouped(layer.parameters()),
                Numbers.grouped(layer.flops())
            });
        }
        int[] widths = columnWidths(rows);
        int lineWidth = lineWidth(widths);
        StringBuilder out = new StringBuilder();
        out.append("Network ").append(model.className()).append(" (C x H x W)\n");
        out.append("-".repeat(lineWidth)).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            appendRow(out, rows.get(r), widths);
            if (r == 0) {
                out.append("=".repeat(lineWidth)).append('\n');
            }
        }
        out.append("=".repeat(lineWidth)).append('\n');
        long total = model.totalParameters();
        long trainable = model.trainableParameters();
        out.append("Total params: ").append(Numbers.grouped(total)).append('\n');
        out.append("Trainable params: ").append(Numbers.grouped(trainable)).append('\n');
        out.append("Non-trainable params: ").append(Numbers.grouped(total - trainable)).append('\n');
        out.append("Forward FLOPs per example: ").append(Numbers.grouped(model.forwardFlops()));
        return out.toString();
    }

    /** "Conv", or "Conv (frozen)" for a layer whose parameters are not trained. */
    private static String kindOf(ResolvedLayer layer) {
        boolean frozen = switch (layer.spec()) {
            case LayerSpec.ConvSpec c -> !c.trainable();
            case LayerSpec.DenseSpec d -> !d.trainable();
            default -> false;
        };
        return frozen ? layer.spec().kind() + " (frozen)" : layer.spec().kind();
    }

    private static int[] columnWidths(List<String[]> rows) {
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        return widths;
    }

    private static int lineWidth(int[] widths) {
        int sum = 0;
        for (int w : widths) {
            sum += w;
        }
        return sum + 2 * (widths.length - 1);
    }

    /** Text columns left-aligned, number columns (params, FLOPs) right-aligned; no trailing blanks. */
    private static void appendRow(StringBuilder out, String[] row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            boolean numeric = c >= 3;
            String pad = " ".repeat(widths[c] - row[c].length());
            line.append(numeric ? pad + row[c] : row[c] + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
