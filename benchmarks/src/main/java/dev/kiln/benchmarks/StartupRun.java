package dev.kiln.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * One fresh JVM's start of training, as {@link StartupProbe} printed it, and the figures drawn
 * from it: how much longer the first steps took than steady steps, and how much they allocated.
 */
public record StartupRun(double readyMillis, double[] stepMillis, double[] stepBytes) {
    /** Steps at the end whose median is the steady step time. */
    public static final int STEADY_STEPS = 10;
    /** The opening steps compared with steady ones. */
    public static final int OPENING_STEPS = 10;
    /** A step allocating less than this runs compiled kernels (interpreted ones allocate megabytes a step). */
    static final double COMPILED_BYTES = 64 * 1024;

    public static StartupRun parse(List<String> lines) {
        double ready = Double.NaN;
        double[] millis = new double[0], bytes = new double[0];
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("ready") && f.length == 2) {
                ready = Double.parseDouble(f[1]);
            } else if (f[0].equals("step") && f.length == 4) {
                int i = Integer.parseInt(f[1]);
                millis = Arrays.copyOf(millis, Math.max(millis.length, i + 1));
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length, i + 1));
                millis[i] = Long.parseLong(f[2]) / 1e6;
                bytes[i] = Double.parseDouble(f[3]);
            }
        }
        if (Double.isNaN(ready) || millis.length < OPENING_STEPS + STEADY_STEPS) {
            throw new IllegalStateException("the start-up probe printed too little:\n" + String.join("\n", lines));
        }
        return new StartupRun(ready, millis, bytes);
    }

    public double firstStepMillis() {
        return stepMillis[0];
    }

    public double steadyStepMillis() {
        return Timing.median(Arrays.copyOfRange(stepMillis, stepMillis.length - STEADY_STEPS, stepMillis.length));
    }

    public double openingMillis() {
        return Arrays.stream(stepMillis, 0, OPENING_STEPS).sum();
    }

    /** Time the opening steps took beyond as many steady steps: the cost of warming up. */
    public double excessMillis() {
        return openingMillis() - OPENING_STEPS * steadyStepMillis();
    }

    public double firstStepBytes() {
        return stepBytes[0];
    }

    /** Bytes allocated by steps 2 to {@link #OPENING_STEPS}. */
    public double laterOpeningBytes() {
        return Arrays.stream(stepBytes, 1, OPENING_STEPS).sum();
    }

    /** Steps (counted from 1) before every later step ran without allocating: when the kernels were all compiled. */
    public int allocatingSteps() {
        int last = 0;
        for (int i = 0; i < stepBytes.length; i++) {
            if (stepBytes[i] >= COMPILED_BYTES) last = i + 1;
        }
        return last;
    }
}
