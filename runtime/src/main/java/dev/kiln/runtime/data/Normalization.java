package dev.kiln.runtime.data;

import dev.kiln.runtime.train.Examples;
import java.util.Arrays;

/**
 * Per-channel {@code (x - mean) / std}, applied to pixels already scaled to [0, 1], as
 * torchvision's {@code Normalize} after {@code ToTensor}.
 */
public final class Normalization {
    private final float[] mean;
    private final float[] std;

    private Normalization(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("need one mean and one std per channel, got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean " + mean[c] + ", std " + std[c]
                        + "; the std must be finite and above 0");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The same mean and std for every channel, e.g. {@code of(0.5f, 0.5f)}. */
    public static Normalization of(float mean, float std) {
        return new Normalization(new float[] {mean}, new float[] {std});
    }

    public static Normalization perChannel(float[] mean, float[] std) {
        return new Normalization(mean, std);
    }

    /**
     * The mean and (population) standard deviation of each channel over every pixel of
     * {@code data}, scaled to [0, 1] and not normalized; sums in double.
     */
    public static Normalization computeFrom(Dataset data) {
        Examples.requireNonEmpty(data, "training");
        Dataset raw = data.withNormalization(null);
        int channels = raw.channels();
        int plane = raw.height() * raw.width();
        double[] sum = new double[channels];
        double[] sumOfSquares = new double[channels];
        float[] image = new float[raw.exampleSize()];
        for (int e = 0; e < raw.size(); e++) {
            raw.copyImage(e, image, 0);
            for (int c = 0; c < channels; c++) {
                for (int j = c * plane; j < (c + 1) * plane; j++) {
                    sum[c] += image[j];
                    sumOfSquares[c] += (double) image[j] * image[j];
                }
            }
        }
        double n = (double) raw.size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(0, sumOfSquares[c] / n - m * m));
        }
        return new Normalization(mean, std);
    }

    /** Mean of channel {@code c}; a single mean applies to every channel. */
    public float mean(int c) {
        return mean[mean.length == 1 ? 0 : c];
    }

    public float std(int c) {
        return std[std.length == 1 ? 0 : c];
    }

    /** 1 when one mean and std apply to every channel, otherwise the channel count. */
    public int channels() {
        return mean.length;
    }

    /** The means as given: one per channel, or a single one for every channel. */
    public float[] means() {
        return mean.clone();
    }

    /** The standard deviations as given: one per channel, or a single one for every channel. */
    public float[] stds() {
        return std.clone();
    }

    /** In place: {@code (x - mean) / std} on a channels x height x width image scaled to [0, 1]. */
    public void apply(float[] image, int offset, int channels, int plane) {
        for (int c = 0; c < channels; c++) {
            float m = mean(c);
            float s = std(c);
            for (int j = offset + c * plane; j < offset + (c + 1) * plane; j++) {
                image[j] = (image[j] - m) / s;
            }
        }
    }

    /** Equal when every mean and std has the same bits: a stored normalization matches only itself. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
