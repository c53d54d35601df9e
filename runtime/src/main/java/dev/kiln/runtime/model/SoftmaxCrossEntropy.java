package dev.kiln.runtime.model;

/**
 * Softmax with cross-entropy over rows of logits. Numerically stable: the row's maximum is
 * subtracted before exponentiating, and everything runs in double, each result rounded to float
 * once. That matters most for the gradient of a likely class: p - 1 for p = 0.99 computed from p
 * rounded to float first carries p's rounding error, 3e-8, in a value of 0.01, a relative error of
 * 3e-6 that every gradient of the last layer then sums (pytorch-mnist's logits.bias gradient on
 * its first step: 1.13e-7 from float64 before, 7.7e-8 after). exp and log are StrictMath's: Math's
 * may be replaced by a JIT intrinsic that rounds differently from the interpreter, so a result
 * could depend on how warm the JVM is (the cost, about 2 ns per class and row, is negligible).
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * Sum over rows of -log softmax(z)[label]; writes dz = (softmax(z) - onehot(label)) * scale
     * (scale = 1 / batch size gives the gradient of the batch mean).
     */
    public static double lossAndGradient(float[] logits, int rows, int classes, int[] labels, int labelOff,
                                         float scale, float[] dLogits) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * classes;
            float max = max(logits, off, classes);
            double sum = expSum(logits, off, classes, max);
            int label = labels[labelOff + r];
            loss += StrictMath.log(sum) - ((double) logits[off + label] - max);
            for (int k = 0; k < classes; k++) {
                double p = StrictMath.exp((double) logits[off + k] - max) / sum;
                dLogits[off + k] = (float) ((k == label ? p - 1 : p) * scale);
            }
        }
        return loss;
    }

    /** Sum over rows of -log softmax(z)[label]. */
    public static double loss(float[] logits, int rows, int classes, int[] labels, int labelOff) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * classes;
            float max = max(logits, off, classes);
            double sum = expSum(logits, off, classes, max);
            loss += StrictMath.log(sum) - ((double) logits[off + labels[labelOff + r]] - max);
        }
        return loss;
    }

    /** softmax of each row of logits into {@code out} from {@code outOff}. */
    public static void probabilities(float[] logits, int rows, int classes, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int off = r * classes;
            float max = max(logits, off, classes);
            double sum = expSum(logits, off, classes, max);
            for (int k = 0; k < classes; k++) {
                out[outOff + off + k] = (float) (StrictMath.exp((double) logits[off + k] - max) / sum);
            }
        }
    }

    /** Sum of exp(z - max) over one row, in double. */
    private static double expSum(float[] logits, int off, int classes, float max) {
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += StrictMath.exp((double) logits[off + k] - max);
        }
        return sum;
    }

    private static float max(float[] values, int off, int length) {
        float max = values[off];
        for (int k = 1; k < length; k++) {
            max = Math.max(max, values[off + k]);
        }
        return max;
    }
}
