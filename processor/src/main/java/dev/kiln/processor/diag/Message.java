package dev.kiln.processor.diag;

import java.util.Locale;

/**
 * Every diagnostic the processor prints, with its stable key (printed as {@code [Kiln/Key]}, so a
 * build log can be searched for it) and the template of its first line. Placeholders are
 * {@link String#format} ones; the layer's field name always comes first where there is a layer.
 *
 * <p>Keys are part of Kiln's interface: never rename one, add a new one instead.
 */
public enum Message {
    // --- the @Network class itself
    INVALID_INPUT("InvalidInput", Severity.ERROR,
            "input = %s must be three positive sizes {channels, height, width}"),
    INPUT_TOO_LARGE("InputTooLarge", Severity.ERROR,
            "input %s has %s values per example, more than a Java array holds (%s)"),
    NO_LAYERS("NoLayers", Severity.ERROR,
            "%s has no layers: declare fields of type dev.kiln.dsl.Layer, each with one layer annotation"),
    LAST_LAYER_NOT_DENSE("LastLayerNotDense", Severity.ERROR,
            "%s: the last layer must be @Dense, whose outputs are the class logits, not @%s"),
    UNREACHABLE_CLASS("UnreachableClass", Severity.ERROR,
            "%s is %s, so the generated model in the same package could not use it"),
    NOT_A_CLASS("NotAClass", Severity.ERROR,
            "@Network marks a class whose fields are the layers, not %s"),
    INVALID_GENERATED_NAME("InvalidGeneratedName", Severity.ERROR,
            "generatedName = \"%s\" is not a Java class name"),

    // --- fields
    TWO_LAYER_ANNOTATIONS("TwoLayerAnnotations", Severity.ERROR,
            "%s: one field is one layer, but it has both @%s and @%s"),
    NOT_A_LAYER_FIELD("NotALayerField", Severity.ERROR,
            "%s: a layer field must have type dev.kiln.dsl.Layer, not %s"),
    MISSING_LAYER_ANNOTATION("MissingLayerAnnotation", Severity.ERROR,
            "%s: a Layer field needs one layer annotation"),

    // --- attribute values
    NOT_POSITIVE("NotPositive", Severity.ERROR, "%s: %s = %s must be at least 1"),
    NEGATIVE("Negative", Severity.ERROR, "%s: %s = %s must not be negative"),
    NOT_FINITE("NotFinite", Severity.ERROR, "%s: %s = %s is not a finite number"),
    MISSING_KERNEL("MissingKernel", Severity.ERROR,
            "%s: @Conv needs a kernel size: kernel = K, or both kernelHeight and kernelWidth"),
    CONFLICTING_KERNEL("ConflictingKernel", Severity.ERROR,
            "%s: kernel and %s = %d both give the kernel size; keep one"),
    PADDING_WITH_MODE("PaddingWithMode", Severity.ERROR,
            "%s: padding = %d and mode = %s both say how to pad; keep one"),
    POOL_PADDING_TOO_LARGE("PoolPaddingTooLarge", Severity.ERROR,
            "%s: padding = %d is more than half the window size %d, so a window could lie wholly in the padding"),
    USELESS_FLOOR("UselessFloor", Severity.WARNING,
            "%s: floor = true has no effect with mode = %s; only explicit padding can leave a fraction"),
    DROPOUT_RATE("DropoutRate", Severity.ERROR, "%s: dropout rate %s is outside [0, 1)"),
    STDDEV_NOT_POSITIVE("StddevNotPositive", Severity.ERROR,
            "%s: init = %s needs stddev greater than 0, but stddev = %s"),
    STDDEV_WITHOUT_NORMAL("StddevWithoutNormal", Severity.ERROR,
            "%s: stddev = %s is only used by init = NORMAL or TRUNCATED_NORMAL, but init is %s"),

    // --- shapes
    FRACTIONAL_OUTPUT("FractionalOutput", Severity.ERROR, "%s: output %s is not an integer"),
    KERNEL_TOO_LARGE("KernelTooLarge", Severity.ERROR,
            "%s: %s %d is larger than its %s, so there is no output"),
    SPATIAL_AFTER_FLAT("SpatialAfterFlat", Severity.ERROR,
            "%s: @%s needs a C x H x W input, but %s outputs a flat vector of %d values"),
    TENSOR_TOO_LARGE("TensorTooLarge", Severity.ERROR,
            "%s: output %s has %s values per example, more than a Java array holds (%s)"),
    WEIGHTS_TOO_LARGE("WeightsTooLarge", Severity.ERROR,
            "%s: weight %s has %s values, more than a Java array holds (%s)"),
    PACKED_WEIGHTS_TOO_LARGE("PackedWeightsTooLarge", Severity.ERROR,
            "%s: weight %s has %s values, and the copy the kernels read (it and its transpose, rows rounded up"
                    + " to whole vectors) up to %s, more than a Java array holds (%s)"),
    PADDED_INPUT_TOO_LARGE("PaddedInputTooLarge", Severity.ERROR,
            "%s: the padded input %s has %s values per example, more than a Java array holds (%s)"),
    CONV_PADDING_TOO_LARGE("ConvPaddingTooLarge", Severity.ERROR,
            "%s: padding = %d makes the padded input %s, %s values per example, more than a Java array holds (%s)"),
    TOO_MANY_FLOPS("TooManyFlops", Severity.ERROR,
            "%s: the forward pass needs more than %s FLOPs per example, beyond what a long counts"),
    DROPPED_INPUT("DroppedInput", Severity.WARNING, "kiln-floor",
            "%s: output %s never reads the last %s of the %s input"),

    // --- the weights file named by @Network(weights = ...)
    WEIGHTS_FILE_NOT_FOUND("WeightsFileNotFound", Severity.ERROR,
            "weights = \"%s\" is not a file: looked for it %s"),
    WEIGHTS_FILE_UNREADABLE("WeightsFileUnreadable", Severity.ERROR,
            "weights = \"%s\" could not be read: %s"),
    WEIGHTS_HEADER_CORRUPT("WeightsHeaderCorrupt", Severity.ERROR,
            "weights = \"%s\" is not a safetensors file: %s"),
    WEIGHTS_TENSOR_MISSING("WeightsTensorMissing", Severity.ERROR,
            "%s: the weights file has no tensor %s, which should be %s %s"),
    WEIGHTS_TENSOR_SHAPE("WeightsTensorShape", Severity.ERROR,
            "%s: tensor %s has shape %s in the weights file, but this layer's is %s"),
    WEIGHTS_TENSOR_DTYPE("WeightsTensorDtype", Severity.ERROR,
            "%s: tensor %s is %s in the weights file; Kiln reads F32, and converts F16, BF16 and F64"),
    WEIGHTS_TENSOR_EXTRA("WeightsTensorExtra", Severity.ERROR,
            "the weights file has tensor %s %s, which is no parameter of this network"),

    // --- output
    SUMMARY("Summary", Severity.NOTE, "%s"),
    WRITE_FAILED("WriteFailed", Severity.ERROR, "could not write the model of %s: %s"),

    // --- the processor itself
    INTERNAL_ERROR("InternalError", Severity.ERROR,
            "the Kiln processor failed on %s: %s; please report this with the class that caused it");

    /** How a diagnostic reaches the user; mapped to javax.tools kinds by the processor. */
    public enum Severity { ERROR, WARNING, NOTE }

    private final String key;
    private final Severity severity;
    private final String suppressToken;
    private final String template;

    Message(String key, Severity severity, String template) {
        this(key, severity, null, template);
    }

    Message(String key, Severity severity, String suppressToken, String template) {
        this.key = key;
        this.severity = severity;
        this.suppressToken = suppressToken;
        this.template = template;
    }

    public String key() {
        return key;
    }

    /** "[Kiln/FractionalOutput]". */
    public String tag() {
        return "[Kiln/" + key + "]";
    }

    public Severity severity() {
        return severity;
    }

    /** The {@code @SuppressWarnings} value that silences this warning on a field, or null. */
    public String suppressToken() {
        return suppressToken;
    }

    /** The first line, without the tag. */
    public String format(Object... args) {
        return String.format(Locale.ROOT, template, args);
    }
}
