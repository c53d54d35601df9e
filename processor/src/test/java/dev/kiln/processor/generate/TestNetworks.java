package dev.kiln.processor.generate;

import static dev.kiln.dsl.Activation.NONE;
import static dev.kiln.dsl.Activation.RELU;
import static dev.kiln.dsl.Activation.SIGMOID;
import static dev.kiln.dsl.Activation.TANH;
import static dev.kiln.dsl.Padding.EXPLICIT;
import static dev.kiln.dsl.Padding.SAME;
import static dev.kiln.dsl.Padding.VALID;
import static dev.kiln.processor.model.LayerSpec.PoolKind.AVG;
import static dev.kiln.processor.model.LayerSpec.PoolKind.MAX;

import dev.kiln.dsl.Init;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.NetworkModel;
import java.util.List;

/** Small networks that together cover every layer kind and option the generator handles. */
final class TestNetworks {
    private TestNetworks() {}

    private static final InitSpec HE = new InitSpec(Init.HE, 0, 0.05);

    /**
     * Three input channels (the NHWC conversion), SAME 3x3 ReLU, floored max pool (its windows read
     * 8 of the 9 rows, so training computes only those), dense after conv (the flatten), sigmoid,
     * dense after dense.
     */
    static final NetworkModel CONV_DENSE = new NetBuilder("ConvDense", 3, 9, 8)
            .conv("conv", 4, 3, 3, 1, SAME, 0, RELU, HE, 0, true)
            .pool("pool", MAX, 2, 0, EXPLICIT, 0)
            .dense("hidden", 6, SIGMOID)
            .dense("out", 3, NONE)
            .build();

    /** Stride 2 SAME with an even kernel (odd total padding 1/2), tanh, non-square VALID kernel, SAME average pool with a partial window, global average pool. */
    static final NetworkModel STRIDES = new NetBuilder("Strides", 2, 9, 9)
            .conv("down", 3, 4, 4, 2, SAME, 0, TANH)
            .conv("narrow", 3, 3, 2, 1, VALID, 0, NONE)
            .pool("avg", AVG, 2, 2, SAME, 0)
            .globalAvgPool("gap")
            .dense("logits", 4, NONE)
            .build();

    /** Stride 3 with explicit padding 1 and flooring, non-square kernel, sigmoid, SAME max pool stride 1 (odd padding), spatial and flat dropout. */
    static final NetworkModel STRIDE3_DROPOUT = new NetBuilder("Stride3Dropout", 1, 11, 10)
            .conv("conv", 3, 3, 2, 3, EXPLICIT, 1, SIGMOID)
            .pool("pool", MAX, 2, 1, SAME, 0)
            .dropout("spatialDrop", 0.3)
            .dense("fc", 5, RELU, HE, 0, true)
            .dropout("drop", 0.5)
            .dense("logits", 4, NONE)
            .build();

    /** A frozen layer between trainable ones, explicit average pooling, L2 terms. */
    static final NetworkModel FROZEN_MIDDLE = new NetBuilder("FrozenMiddle", 1, 8, 8)
            .conv("conv1", 3, 3, 3, 1, SAME, 0, RELU, HE, 0.01, true)
            .conv("conv2", 4, 3, 3, 2, EXPLICIT, 1, RELU, HE, 0, false)
            .pool("pool", AVG, 2, 0, EXPLICIT, 0)
            .dense("logits", 3, NONE, new InitSpec(Init.NORMAL, 0.3, 0), 0.02, true)
            .build();

    /** A frozen first layer: backward stops at the dense layer. */
    static final NetworkModel FROZEN_FIRST = new NetBuilder("FrozenFirst", 1, 6, 6)
            .conv("features", 2, 3, 3, 1, VALID, 0, RELU, new InitSpec(Init.TRUNCATED_NORMAL, 0.5, 0.1), 0, false)
            .dense("logits", 3, NONE)
            .build();

    /**
     * ReLU into an overlapping SAME max pool (3x3 stride 2): the pool applies the ReLU backward to
     * its own gradient, and input cells shared by several windows add up more than one gradient.
     */
    static final NetworkModel RELU_OVERLAP_POOL = new NetBuilder("ReluOverlapPool", 2, 7, 7)
            .conv("conv", 3, 3, 3, 1, SAME, 0, RELU, HE, 0, true)
            .pool("pool", MAX, 3, 2, SAME, 0)
            .dense("logits", 3, NONE)
            .build();

    /**
     * Input pixels no window reads beside windows that read padding, after a trainable layer (so
     * their input gradient is computed and must be zero): SAME 3x1 stride 2 on an even width pads
     * rows 0/1 and never reads column 11; 3x3 stride 3 padding 1 floored on width 6 never reads column 5.
     */
    static final NetworkModel UNREAD_EDGES = new NetBuilder("UnreadEdges", 1, 8, 12)
            .conv("first", 3, 3, 3, 1, SAME, 0, TANH)
            .conv("tall", 4, 3, 1, 2, SAME, 0, TANH)
            .conv("floored", 3, 3, 3, 3, EXPLICIT, 1, NONE)
            .dense("logits", 3, NONE)
            .build();

    /**
     * Convolutions wide enough for Winograd (16 channels or more), so that a prediction hands the
     * vector kernels several examples at once: "wide" first in its loop (4 tiles of 4x4 an
     * example, 3 at a time with 512-bit vectors), "narrow" after a pool in the same loop (1 tile,
     * 4 at a time: the group is 4, which "wide" takes as 3 and 1), "last" first in a loop after
     * dropout, its output read by the dense layer (each example's own place); 5 examples end in
     * a short group. Its predictions are checked against the reference; training takes the other
     * networks' path.
     */
    static final NetworkModel WINOGRAD_GROUPS = new NetBuilder("WinogradGroups", 16, 6, 6)
            .conv("wide", 64, 3, 3, 1, SAME, 0, RELU)
            .pool("pool", MAX, 2, 0, EXPLICIT, 0)
            .conv("narrow", 16, 3, 3, 1, SAME, 0, TANH)
            .dropout("drop", 0.2)
            .conv("last", 16, 3, 3, 1, SAME, 0, RELU)
            .dense("logits", 3, NONE)
            .build();

    /**
     * A Winograd convolution (16 channels each way) whose floored pool reads 6x6 of its 7x7
     * outputs, after a trainable 1x1 layer that needs its input gradient: training runs it on 6x6,
     * whose input gradient takes the forward's 9 tiles (the convolution of the padded output
     * gradient would take 16), while a prediction computes all 7x7 (16 tiles, as that convolution
     * has): the packed weights must serve both.
     */
    static final NetworkModel WINOGRAD_FLOOR = new NetBuilder("WinogradFloor", 1, 7, 7)
            .conv("spread", 16, 1, 1, 1, VALID, 0, TANH)
            .conv("conv", 16, 3, 3, 1, SAME, 0, RELU, HE, 0, true)
            .pool("pool", MAX, 2, 0, EXPLICIT, 0)
            .dense("logits", 3, NONE)
            .build();

    /** Every network above but {@link #WINOGRAD_GROUPS}, whose 5,000 weights the finite differences would take minutes over. */
    static final List<NetworkModel> ALL = List.of(CONV_DENSE, STRIDES, STRIDE3_DROPOUT, FROZEN_MIDDLE, FROZEN_FIRST,
            RELU_OVERLAP_POOL, UNREAD_EDGES, WINOGRAD_FLOOR);
}
