package dev.kiln.processor.generate;

import com.palantir.javapoet.ClassName;
import dev.kiln.dsl.Activation;

/**
 * The runtime types generated code refers to. The processor does not link against the runtime
 * (it runs inside javac, and the runtime needs JDK 25), so they are named, not imported.
 */
final class RuntimeTypes {
    private RuntimeTypes() {}

    private static final String MODEL = "dev.kiln.runtime.model";
    private static final String KERNELS = "dev.kiln.runtime.kernels";

    static final ClassName ABSTRACT_MODEL = ClassName.get(MODEL, "AbstractModel");
    static final ClassName WORKSPACE = ABSTRACT_MODEL.nestedClass("Workspace");
    static final ClassName MODEL_INFO = ClassName.get(MODEL, "ModelInfo");
    static final ClassName PARAMETER = ClassName.get(MODEL, "Parameter");
    static final ClassName LAYER_INFO = ClassName.get(MODEL, "LayerInfo");
    static final ClassName LAYER_KIND = LAYER_INFO.nestedClass("Kind");
    static final ClassName PACKED_WEIGHT = ClassName.get(MODEL, "PackedWeight");
    static final ClassName LAYOUTS = ClassName.get(MODEL, "Layouts");
    static final ClassName INITIALIZERS = ClassName.get(MODEL, "Initializers");
    static final ClassName DROPOUT_MASK = ClassName.get(MODEL, "DropoutMask");
    static final ClassName KERNELS_TYPE = ClassName.get(KERNELS, "Kernels");
    static final ClassName KERNEL_PROVIDER = ClassName.get(KERNELS, "KernelProvider");
    static final ClassName CONV_GEOMETRY = ClassName.get(KERNELS, "ConvGeometry");
    static final ClassName POOL_GEOMETRY = ClassName.get(KERNELS, "PoolGeometry");
    static final ClassName ACTIVATION = ClassName.get(Activation.class);
    static final ClassName SAFETENSORS = ClassName.get("dev.kiln.runtime.io", "Safetensors");
    static final ClassName PARAMETER_NAMES = ClassName.get("dev.kiln.runtime.io", "ParameterNames");
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
}
