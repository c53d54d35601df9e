package dev.kiln.runtime.model;

import java.util.Arrays;

/**
 * One trainable tensor of a model (a layer's weight or bias) with its gradient.
 *
 * <p>{@code value} is in the kernels' internal layout; {@code pytorchShape} and
 * {@code pytorchOrder} describe PyTorch's layout, used by checkpoints and the public API:
 * element {@code i} in PyTorch order is {@code value[pytorchOrder[i]]} ({@code null} order means
 * the layouts agree).
 */
public final class Parameter {
    private final String name;
    private final float[] value;
    private final float[] grad;
    private final int[] pytorchShape;
    private final int[] pytorchOrder;
    private final boolean trainable;
    private final float l2;
    /**
     * Bumped by every change of {@link #value} the model must notice (see {@link #markChanged()});
     * volatile so that predicting threads see a change announced on another thread.
     */
    private volatile long version;
    /**
     * Whether the last training step applied this parameter's gradient block by block as it was
     * computed, without storing it in {@link #grad} (a large dense layer's weight, see
     * {@link Model#setGradientsKept}); volatile so that another thread's read of grad() sees it.
     */
    private volatile boolean gradientNotKept;

    public Parameter(String name, int[] pytorchShape, int[] pytorchOrder, boolean trainable, float l2) {
        int size = Arrays.stream(pytorchShape).reduce(1, Math::multiplyExact);
        if (pytorchOrder != null && pytorchOrder.length != size) {
            throw new IllegalArgumentException(name + ": order has " + pytorchOrder.length + " entries for " + size + " values");
        }
        this.name = name;
        this.value = new float[size];
        this.grad = new float[size];
        this.pytorchShape = pytorchShape.clone();
        this.pytorchOrder = pytorchOrder;
        this.trainable = trainable;
        this.l2 = l2;
    }

    /** "conv1.weight", "conv1.bias", ... as in a PyTorch state_dict. */
    public String name() {
        return name;
    }

    /**
     * The values themselves, not a copy. Code that writes into this array from outside a model's
     * own training step (anything but the optimizer the model calls) must call
     * {@link #markChanged()} afterwards: models keep derived copies of some weights (packed for
     * the kernels) and refresh them only when the version moves. {@link #fromPytorch} does so itself.
     * While other threads predict with the model, write only inside {@link Model#changeWeights}, which
     * keeps them out until the change is complete.
     */
    public float[] value() {
        return value;
    }

    /** Tells the model that owns this parameter that {@link #value()} was written; it re-derives what it caches. */
    public void markChanged() {
        version++;                                 // one writer at a time: a model's step or its owner's code
    }

    /** Counts the changes announced by {@link #markChanged()} and {@link #fromPytorch}; a model compares it with what it cached. */
    public long version() {
        return version;
    }

    /**
     * The gradient of the last training step's loss: of every trainable parameter when the model
     * keeps gradients ({@link Model#setGradientsKept}). When it does not, a large dense layer's
     * weight gradient was applied as it was computed and never stored whole, and this refuses.
     *
     * @throws IllegalStateException when the last training step did not keep this gradient
     */
    public float[] grad() {
        if (gradientNotKept) {
            throw new IllegalStateException(name + "'s gradient was applied block by block as it was computed and not kept;"
                    + " call model.setGradientsKept(true) before training to keep every gradient");
        }
        return grad;
    }

    /** The gradient buffer itself, for the model's own step whether or not the last step kept it. */
    float[] gradBuffer() {
        return grad;
    }

    /** Set by the model's step: whether its gradient is left in {@link #grad()} ({@code false} makes grad() refuse). */
    void setGradientKept(boolean kept) {
        gradientNotKept = !kept;
    }

    public int size() {
        return value.length;
    }

    public int[] pytorchShape() {
        return pytorchShape.clone();
    }

    /** False for a frozen layer: optimizers skip it. */
    public boolean trainable() {
        return trainable;
    }

    /** The layer's L2 factor: the loss includes l2 * sum(value^2) / 2. */
    public float l2() {
        return l2;
    }

    /** A copy of the values in PyTorch's layout. */
    public float[] toPytorch() {
        if (pytorchOrder == null) {
            return value.clone();
        }
        float[] out = new float[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = value[pytorchOrder[i]];
        }
        return out;
    }

    /** A copy of the gradient in PyTorch's layout; refuses as {@link #grad()} does. */
    public float[] gradToPytorch() {
        float[] grad = grad();
        if (pytorchOrder == null) {
            return grad.clone();
        }
        float[] out = new float[grad.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = grad[pytorchOrder[i]];
        }
        return out;
    }

    /** Sets the values from PyTorch's layout. */
    public void fromPytorch(float[] pytorch) {
        if (pytorch.length != value.length) {
            throw new IllegalArgumentException(name + ": expected " + value.length + " values, got " + pytorch.length);
        }
        if (pytorchOrder == null) {
            System.arraycopy(pytorch, 0, value, 0, value.length);
        } else {
            for (int i = 0; i < pytorch.length; i++) {
                value[pytorchOrder[i]] = pytorch[i];
            }
        }
        markChanged();
    }
}
