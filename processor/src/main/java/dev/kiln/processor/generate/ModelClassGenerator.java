package dev.kiln.processor.generate;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.dsl.Activation;
import dev.kiln.processor.diag.Numbers;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.summary.SummaryTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Builds the source of one generated model: a subclass of the runtime's {@code AbstractModel}
 * holding the network's constants, parameters, workspace, and forward and backward passes.
 */
final class ModelClassGenerator {
    static final String PROCESSOR = "dev.kiln.processor.KilnProcessor";

    private final NetworkModel model;
    /** The @Network(weights) file, checked against the network; empty for none. */
    private final String weights;
    private final Names names = new Names();
    private final List<LayerEmitter> layers = new ArrayList<>();
    private final ClassName modelType;
    private final ClassName workspaceType;

    ModelClassGenerator(NetworkModel model, String weights) {
        this.model = model;
        this.weights = weights;
        this.modelType = ClassName.get(model.packageName(), model.generatedName());
        this.workspaceType = modelType.nestedClass("Workspace");
        List<ResolvedLayer> resolved = model.layers();
        for (int i = 0; i < resolved.size(); i++) {
            layers.add(emitter(resolved.get(i), i));
        }
        wire();
    }

    private LayerEmitter emitter(ResolvedLayer layer, int index) {
        return switch (layer.spec()) {
            case LayerSpec.ConvSpec c -> new ConvEmitter(layer, index, names);
            case LayerSpec.PoolSpec p -> new PoolEmitter(layer, index, names);
            case LayerSpec.GlobalAvgPoolSpec g -> new PoolEmitter(layer, index, names);
            case LayerSpec.DenseSpec d -> new DenseEmitter(layer, index, names);
            case LayerSpec.DropoutSpec d -> new DropoutEmitter(layer, index, names);
        };
    }

    /**
     * Connects each layer to what it reads and decides how far backward goes: a layer needs the
     * gradient of its input only if some earlier layer has trainable parameters.
     */
    private void wire() {
        Tensor input = new Tensor("x", "x", "xOff", null, "r");
        boolean trainableSoFar = false;
        int parameterIndex = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerEmitter layer = layers.get(i);
            layer.in = input;
            trainableSoFar |= layer.trainable();
            // The last layer always has dLogits: the loss writes it even when every layer is frozen.
            layer.runsBackward = trainableSoFar || i == layers.size() - 1;
            if (layer instanceof WeightedEmitter weighted) {
                weighted.firstParam = parameterIndex;
                parameterIndex += 2;
            }
            // An output the next layer reads in the same loop over examples needs no place per example in a prediction.
            boolean readInLoop = layer.forwardPerExample() && i + 1 < layers.size() && layers.get(i + 1).forwardPerExample();
            layer.forwardRow = readInLoop ? LayerEmitter.SLOT : "r";
            input = new Tensor(layer.forwardOutput(), "ws." + layer.out, null,
                    trainableSoFar ? "ws." + layer.dOut : null, layer.forwardRow);
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i) instanceof PoolEmitter pool) {
                pool.fuseActivationBackward(layers.get(i - 1));
                trimTraining(layers.get(i - 1), pool);
                keepOutputOnlyForPooling(layers.get(i - 1), pool);
            }
        }
    }

    /**
     * A convolution's output that only the pooling after it reads, in the same loop over examples,
     * and whose backward pass does not read it (the pooling applies its ReLU backward on the pooled
     * values, or it has no activation): neither pooling's backward reads its input. So training
     * too writes it at one place, {@link LayerEmitter#SCRATCH}, rather than one place per example.
     */
    private static void keepOutputOnlyForPooling(LayerEmitter previous, PoolEmitter pool) {
        if (previous instanceof ConvEmitter conv && conv.forwardRow.equals(LayerEmitter.SLOT)
                && (conv.activation() == Activation.NONE || conv.activationBackwardDoneBy != null)) {
            conv.forwardRow = LayerEmitter.SCRATCH;
            pool.in = pool.in.atForwardRow(LayerEmitter.SCRATCH);
        }
    }

    /**
     * Where a pooling's windows floor away the last rows or columns of a convolution's output
     * (keras-mnist's pool2 reads 10x10 of conv2's 11x11), training computes only the ones they
     * read: nothing else reaches the loss, so their gradients are zero, and the convolution's
     * forward pass, input gradient and weight gradient skip them (31% of conv2's tiles there).
     */
    private void trimTraining(LayerEmitter previous, PoolEmitter pool) {
        if (previous instanceof ConvEmitter conv && (pool.rowsRead() < previous.layer.rows().out()
                || pool.colsRead() < previous.layer.cols().out())) {
            conv.trimTraining(names, pool.rowsRead(), pool.colsRead());
            pool.trimTraining(names);
        }
    }

    JavaFile generate(Element origin) {
        TypeSpec.Builder type = TypeSpec.classBuilder(modelType)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .superclass(ParameterizedTypeName.get(RuntimeTypes.ABSTRACT_MODEL, workspaceType))
                .addAnnotation(AnnotationSpec.builder(RuntimeTypes.GENERATED).addMember("value", "$S", PROCESSOR).build())
                .addJavadoc(classJavadoc());
        if (origin != null) {
            type.addOriginatingElement(origin);
        }
        addConstants(type);
        for (WeightedEmitter.Param p : parameters()) {
            type.addField(FieldSpec.builder(RuntimeTypes.PARAMETER, p.field(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("$L, PyTorch shape [$L].\n", p.pytorchName(), WeightedEmitter.dims(p.shape()))
                    .build());
        }
        for (WeightedEmitter layer : packingLayers()) {
            type.addField(FieldSpec.builder(layer.packedType(), layer.packed, Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("$L.weight packed for $L: shared by all threads, repacked whenever\nthe weight changes.\n",
                            layer.layer.name(), layer.packedUse())
                    .build());
        }
        type.addMethod(constructor());
        type.addMethods(factories());
        if (!weights.isEmpty()) {
            addWeightsLoader(type);
        }
        type.addMethod(initialize());
        type.addMethod(MethodSpec.methodBuilder("newWorkspace")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(workspaceType)
                .addParameter(TypeName.INT, "capacity")
                .beginControlFlow("if (capacity > MAX_CHUNK)")
                .addStatement("throw new $T(\"a chunk of \" + capacity + \" examples is more than one workspace holds (\"\n"
                        + "+ MAX_CHUNK + \"): use smaller batches or more threads\")", IllegalArgumentException.class)
                .endControlFlow()
                .addStatement("return new $T(capacity)", workspaceType)
                .build());
        type.addMethod(forward());
        type.addMethod(backward());
        type.addType(workspace());
        return JavaFile.builder(model.packageName(), type.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    private CodeBlock classJavadoc() {
        String table = SummaryTable.render(model)
                .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;");
        return CodeBlock.builder()
                .add("The model of {@link $T}, generated by Kiln.\n\n", ClassName.get(model.packageName(), model.className()))
                .add("<pre>\n$L\n</pre>\n\n", table)
                .add("<p>Create it with {@link #create(long)}; images are (C, H, W) arrays of $L values, labels\n",
                        model.input().size())
                .add("class indices in [0, $L). Internally activations are NHWC and each layer's forward and\n", model.classes())
                .add("backward steps below call the runtime's kernels with this network's constant shapes.\n\n")
                .add("<p>Threads: one model can serve any number of threads. {@code predict} and {@code predictBatch}\n")
                .add("may be called from many threads at once and each answers bit for bit as it would alone;\n")
                .add("{@code predict} runs on its caller's thread in a workspace lent to that call only, and\n")
                .add("allocates nothing once warm. {@code predictBatch} runs on the model's worker threads, or,\n")
                .add("while they are busy, runs the same chunks on its caller's thread (same answer, no waiting).\n")
                .add("{@code trainStep} may run while other threads predict: its optimizer update holds the\n")
                .add("weights alone for a moment, so a prediction sees the weights before or after a step, never\n")
                .add("a mix. Training calls run one at a time. Load weights while serving with\n")
                .add("{@code Checkpoint.restoreInto}, or write them inside {@link #changeWeights(Runnable)}.\n")
                .build();
    }

    private void addConstants(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(String.class, "ARCHITECTURE", Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The architecture fingerprint: models exchange weights exactly when these are equal.\n")
                .initializer("$S", Architecture.describe(model, layers))
                .build());
        type.addField(FieldSpec.builder(String.class, "SUMMARY", Modifier.STATIC, Modifier.FINAL)
                .initializer("$S", SummaryTable.render(model))
                .build());
        for (LayerEmitter layer : layers) {
            layer.addConstants(type);
        }
        addMaxChunk(type);
        type.addField(LayerList.constant(layers));
        type.addField(FieldSpec.builder(RuntimeTypes.MODEL_INFO, "INFO", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The network's name, fingerprint, summary, shapes, forward FLOPs, parameter count and layers,\n"
                        + "without creating a model.\n")
                .initializer("new $T($S, ARCHITECTURE, SUMMARY, $L, $L, $L, $L, $LL, $LL, $L)", RuntimeTypes.MODEL_INFO,
                        model.className(), model.input().channels(), model.input().height(), model.input().width(),
                        model.classes(), model.forwardFlops(), model.totalParameters(), LayerList.CONSTANT)
                .build());
    }

    /**
     * Each workspace array holds a whole chunk of examples, so a chunk may have only as many as
     * the largest array's values per example fit in a Java array; the generated newWorkspace
     * refuses more, where {@code capacity * size} would overflow an int.
     */
    private void addMaxChunk(TypeSpec.Builder type) {
        long largest = model.input().size();
        String which = "the input";
        for (ResolvedLayer layer : model.layers()) {
            if (layer.output().size() > largest) {
                largest = layer.output().size();
                which = layer.name() + "'s output";
            }
        }
        type.addField(FieldSpec.builder(TypeName.INT, "MAX_CHUNK", Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The most examples one workspace holds: its largest array, $L, has $L values per example,\n"
                        + "and a Java array at most $L.\n", which, Numbers.grouped(largest), Numbers.grouped(Integer.MAX_VALUE))
                .initializer("$L", Integer.MAX_VALUE / largest)
                .build());
    }

    private List<WeightedEmitter.Param> parameters() {
        return layers.stream().flatMap(l -> l.parameters().stream()).collect(Collectors.toList());
    }

    /** The layers whose weight the kernels read packed, in layer order. */
    private List<WeightedEmitter> packingLayers() {
        List<WeightedEmitter> packing = new ArrayList<>();
        for (LayerEmitter layer : layers) {
            if (layer instanceof WeightedEmitter weighted && weighted.packsWeight()) {
                packing.add(weighted);
            }
        }
        return packing;
    }

    private MethodSpec constructor() {
        MethodSpec.Builder method = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.LONG, "seed")
                .addParameter(TypeName.INT, "threads")
                .addParameter(RuntimeTypes.KERNELS_TYPE, "kernels")
                .addStatement("super(INFO, seed, threads, kernels)");
        List<WeightedEmitter.Param> parameters = parameters();
        for (WeightedEmitter.Param p : parameters) {
            method.addStatement("$N = new $T($S, new int[] {$L}, $L, $L, $Lf)", p.field(), RuntimeTypes.PARAMETER,
                    p.pytorchName(), WeightedEmitter.dims(p.shape()), p.layout(), p.trainable(), (float) p.l2());
        }
        method.addStatement("registerParameters($L)",
                parameters.stream().map(WeightedEmitter.Param::field).collect(Collectors.joining(", ")));
        method.addStatement("initialize(seed)");
        List<WeightedEmitter> packing = packingLayers();
        for (WeightedEmitter layer : packing) {
            method.addStatement("$N = $L", layer.packed, layer.newPackedWeight());
        }
        if (!packing.isEmpty()) {
            method.addStatement("registerPackedWeights($L)",
                    packing.stream().map(l -> l.packed).collect(Collectors.joining(", ")));
        }
        return method.build();
    }

    private List<MethodSpec> factories() {
        return List.of(
                MethodSpec.methodBuilder("create")
                        .addJavadoc("A model with weights drawn from {@code seed}, on {@link #defaultThreads()} threads.\n")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(modelType)
                        .addParameter(TypeName.LONG, "seed")
                        .addStatement("return create(seed, defaultThreads())")
                        .build(),
                MethodSpec.methodBuilder("create")
                        .addJavadoc("A model with weights drawn from {@code seed}, on {@code threads} threads.\n")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(modelType)
                        .addParameter(TypeName.LONG, "seed")
                        .addParameter(TypeName.INT, "threads")
                        .addStatement("return create(seed, threads, $T.get())", RuntimeTypes.KERNEL_PROVIDER)
                        .build(),
                MethodSpec.methodBuilder("create")
                        .addJavadoc("A model on the given kernels (tests check the scalar and the SIMD path alike).\n")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(modelType)
                        .addParameter(TypeName.LONG, "seed")
                        .addParameter(TypeName.INT, "threads")
                        .addParameter(RuntimeTypes.KERNELS_TYPE, "kernels")
                        .addStatement("return new $T(seed, threads, kernels)", modelType)
                        .build());
    }

    /** WEIGHTS and loadWeights(): the file the processor checked, loaded from the class path. */
    private void addWeightsLoader(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(String.class, "WEIGHTS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The weights file of {@code @Network(weights)}, a class-path resource beside this class.\n")
                .initializer("$S", weights)
                .build());
        type.addMethod(MethodSpec.methodBuilder("loadWeights")
                .addJavadoc("Replaces every weight with those of {@link #WEIGHTS}, whose header the processor checked\n")
                .addJavadoc("against this network; the runtime checks the whole file again before it changes anything.\n")
                .addJavadoc("Not concurrently with other calls on this model.\n\n")
                .addJavadoc("@return this model, so that {@code create(seed).loadWeights()} is one call\n")
                .addJavadoc("@throws $T when the resource is missing from the class path or does not fit\n",
                        java.io.IOException.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(modelType)
                .addException(java.io.IOException.class)
                .addStatement("$T.loadResource($T.class, WEIGHTS, this, $T.identity())",
                        RuntimeTypes.SAFETENSORS, modelType, RuntimeTypes.PARAMETER_NAMES)
                .addStatement("return this")
                .build());
    }

    private MethodSpec initialize() {
        MethodSpec.Builder method = MethodSpec.methodBuilder("initialize")
                .addJavadoc("Draws every layer's weights from its own stream of {@code seed}; biases are constants.\n")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.LONG, "seed");
        for (LayerEmitter layer : layers) {
            if (layer instanceof WeightedEmitter weighted) {
                method.addCode(weighted.initialize());
            }
        }
        return method.build();
    }

    private MethodSpec forward() {
        List<PassWriter.Labelled> steps = new ArrayList<>();
        for (LayerEmitter layer : layers) {
            steps.add(new PassWriter.Labelled(layer.layer.name(), layer.describe(), layer.forward(), layer.forwardRow,
                    layer.in.forwardRow()));
        }
        return chunkMethod("forward")
                .addParameter(TypeName.BOOLEAN, "training")
                .addCode(PassWriter.write(steps))
                .build();
    }

    private MethodSpec backward() {
        List<PassWriter.Labelled> steps = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0 && layers.get(i).runsBackward; i--) {
            // The loop stops at the first layer from the end that backward does not reach: no layer
            // from there back has trainable parameters.
            LayerEmitter layer = layers.get(i);
            steps.add(new PassWriter.Labelled(layer.layer.name(), layer.describe(), layer.backward()));
        }
        return chunkMethod("backward")
                .addParameter(float[][].class, "grads")
                .addCode(PassWriter.write(steps))
                .build();
    }

    /** The start of forward and backward: the override of AbstractModel's method over one chunk. */
    private MethodSpec.Builder chunkMethod(String name) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .addParameter(workspaceType, "ws")
                .addParameter(float[].class, "x")
                .addParameter(TypeName.INT, "xOff")
                .addParameter(TypeName.INT, "rows")
                .addParameter(TypeName.INT, "first");
    }

    private TypeSpec workspace() {
        TypeSpec.Builder type = TypeSpec.classBuilder(workspaceType)
                .addJavadoc("One thread's buffers for a chunk of up to {@code capacity} examples, NHWC per example.\n")
                .addModifiers(Modifier.STATIC, Modifier.FINAL)
                .superclass(RuntimeTypes.WORKSPACE);
        MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
                .addParameter(TypeName.INT, "capacity")
                .addStatement("super(capacity, INFO)");
        for (LayerEmitter layer : layers) {
            for (Buffer buffer : layer.buffers()) {
                type.addField(FieldSpec.builder(buffer.type(), buffer.name(), Modifier.FINAL)
                        .addJavadoc("$L.\n", Names.capitalize(buffer.doc()))
                        .build());
                TypeName element = buffer.type() == Buffer.INTS ? TypeName.INT : TypeName.FLOAT;
                constructor.addStatement("$N = new $T[$L * $L]", buffer.name(), element, buffer.examples(), buffer.perExample());
            }
        }
        type.addMethod(constructor.build());
        LayerEmitter last = layers.get(layers.size() - 1);
        type.addMethod(MethodSpec.methodBuilder("logits")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(float[].class)
                .addStatement("return $N", last.out)
                .build());
        type.addMethod(MethodSpec.methodBuilder("dLogits")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(float[].class)
                .addStatement("return $N", last.dOut)
                .build());
        type.addMethod(LayerList.layerOutput(layers));
        return type.build();
    }
}
