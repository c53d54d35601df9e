package dev.kiln.runtime.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Flushes an optimizer's decaying state (Adam's moments, RMSProp's mean square, a momentum
 * buffer) to zero once it falls below {@link Float#MIN_NORMAL} in magnitude.
 *
 * <p>A weight whose gradient stops (a unit that died under ReLU) sees its state shrink by a
 * constant factor a step, through the subnormal range for a hundred steps or more, and x86
 * computes with subnormals in microcode: a hundred cycles or more per vector instruction that
 * meets one. With units dying all through training, tf-mnist's Adam update took five times as
 * long from about step 700 on (JFR of a 2-epoch run, 2 threads: the update and repack in 337
 * samples of 30 s early, 1877 late), and its second epoch 24% longer than the first (58.5 s
 * against 47.3). A subnormal state moves its weight by less than 1e-30, below the last bit of any
 * normal weight, so flushing it changes no weight. The test and select read the value without
 * arithmetic, so they cost no microcode.
 */
final class Subnormals {
    private Subnormals() {
    }

    /** 0 for a subnormal value, else the value. */
    static float flush(float value) {
        return Math.abs(value) < Float.MIN_NORMAL ? 0f : value;
    }

    /** {@link #flush(float)} lane by lane. */
    static FloatVector flush(FloatVector values) {
        return values.blend(0f, values.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }
}
