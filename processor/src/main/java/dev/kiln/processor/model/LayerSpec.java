package dev.kiln.processor.model;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Padding;
import java.util.Set;

/**
 * One layer as the user declared it: the values of its annotation, with no javac types, so shape
 * inference can be tested without a compiler. {@code name} is the field's name;
 * {@code explicit} names the annotation attributes the user wrote (as opposed to defaults).
 */
public sealed interface LayerSpec {

    String name();

    Set<String> explicit();

    /** The annotation's simple name, as the user wrote it: "Conv", "MaxPool", ... */
    String kind();

    record ConvSpec(
            String name,
            Set<String> explicit,
            int filters,
            int kernelHeight,
            int kernelWidth,
            int stride,
            int padding,
            Padding mode,
            boolean floor,
            Activation activation,
            InitSpec init,
            double l2,
            boolean trainable)
            implements LayerSpec {
        @Override
        public String kind() {
            return "Conv";
        }
    }

    enum PoolKind { MAX, AVG }

    record PoolSpec(
            String name,
            Set<String> explicit,
            PoolKind pool,
            int size,
            int stride,
            int padding,
            Padding mode,
            boolean floor)
            implements LayerSpec {
        @Override
        public String kind() {
            return pool == PoolKind.MAX ? "MaxPool" : "AvgPool";
        }

        /** The stride in effect: 0 means the window size. */
        public int effectiveStride() {
            return stride == 0 ? size : stride;
        }
    }

    record GlobalAvgPoolSpec(String name, Set<String> explicit) implements LayerSpec {
        @Override
        public String kind() {
            return "GlobalAvgPool";
        }
    }

    record DenseSpec(
            String name,
            Set<String> explicit,
            int units,
            Activation activation,
            InitSpec init,
            double l2,
            boolean trainable)
            implements LayerSpec {
        @Override
        public String kind() {
            return "Dense";
        }
    }

    record DropoutSpec(String name, Set<String> explicit, double rate) implements LayerSpec {
        @Override
        public String kind() {
            return "Dropout";
        }
    }
}
