package dev.kiln.processor.model;

/**
 * A layer after shape inference: what it reads and writes per example, and for windowed layers
 * (convolution, pooling, global pooling) how the window covers each axis.
 *
 * @param rows       the window along the height; null for dense and dropout layers
 * @param cols       the window along the width; null for dense and dropout layers
 * @param parameters trainable-or-frozen parameter count (weights + biases)
 * @param flops      forward floating-point operations per example, 2 per multiply-add
 */
public record ResolvedLayer(
        LayerSpec spec, Shape input, Shape output, Axis rows, Axis cols, long parameters, long flops) {

    public String name() {
        return spec.name();
    }
}
