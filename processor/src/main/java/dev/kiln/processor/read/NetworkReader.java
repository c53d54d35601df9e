package dev.kiln.processor.read;

import dev.kiln.dsl.Activation;
import dev.kiln.dsl.Init;
import dev.kiln.dsl.Padding;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Turns a {@code @Network} class into a {@link NetworkSpec} (pure values) plus the {@link Site}s
 * to report on. It also checks what only javac's elements show: the kind of class and whether the
 * generated code can reach it, and each field's type and annotations. Defaults are resolved here:
 * {@code Init.AUTO} becomes HE for a ReLU layer and GLOROT otherwise; a pool whose padding is
 * written without a mode uses that explicit padding.
 */
public final class NetworkReader {

    static final String NETWORK = "dev.kiln.dsl.Network";
    private static final String LAYER_TYPE = "dev.kiln.dsl.Layer";
    private static final Set<String> LAYER_ANNOTATIONS = Set.of(
            "dev.kiln.dsl.Conv", "dev.kiln.dsl.MaxPool", "dev.kiln.dsl.AvgPool",
            "dev.kiln.dsl.GlobalAvgPool", "dev.kiln.dsl.Dense", "dev.kiln.dsl.Dropout");

    private final Elements elements;
    private final Types types;

    public NetworkReader(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** Empty when the class has a value javac could not evaluate: javac reports that error itself. */
    public Optional<ReadNetwork> read(TypeElement type) {
        try {
            return Optional.of(readOrThrow(type));
        } catch (AnnotationValues.Unreadable unreadable) {
            return Optional.empty();
        }
    }

    private ReadNetwork readOrThrow(TypeElement type) throws AnnotationValues.Unreadable {
        AnnotationMirror networkMirror = mirror(type, NETWORK).orElseThrow();
        AnnotationValues networkValues = new AnnotationValues(networkMirror, elements);
        Set<String> classSuppressed = suppressedAround(type);
        Site networkSite = new Site(type, networkMirror, networkValues.written(), classSuppressed);
        List<ReadNetwork.Located> problems = new ArrayList<>();
        classProblems(type, networkSite).ifPresent(d -> problems.add(new ReadNetwork.Located(d, networkSite)));

        String className = type.getSimpleName().toString();
        String generatedName = networkValues.string("generatedName");
        if (generatedName.isEmpty()) {
            generatedName = className + "Model";
        } else if (!SourceVersion.isIdentifier(generatedName) || SourceVersion.isKeyword(generatedName)) {
            problems.add(new ReadNetwork.Located(Diagnostic.of(Message.INVALID_GENERATED_NAME, Diagnostic.NETWORK,
                    "generatedName", List.of(), generatedName), networkSite));
        }

        List<LayerSpec> layers = new ArrayList<>();
        List<Site> sites = new ArrayList<>();
        TypeMirror layerType = layerType();
        for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            List<AnnotationMirror> layerMirrors = field.getAnnotationMirrors().stream()
                    .filter(m -> LAYER_ANNOTATIONS.contains(qualifiedName(m)))
                    .map(m -> (AnnotationMirror) m)
                    .toList();
            boolean isLayerType = layerType != null && types.isSameType(field.asType(), layerType);
            String name = field.getSimpleName().toString();
            Set<String> suppressed = new HashSet<>(classSuppressed);
            suppressed.addAll(suppressedOn(field));
            if (layerMirrors.isEmpty()) {
                if (isLayerType) {
                    Site fieldSite = new Site(field, null, Map.of(), suppressed);
                    problems.add(new ReadNetwork.Located(Diagnostic.of(Message.MISSING_LAYER_ANNOTATION,
                            Diagnostic.NETWORK, null,
                            List.of("help: @Conv, @MaxPool, @AvgPool, @GlobalAvgPool, @Dense or @Dropout"), name),
                            fieldSite));
                }
                continue;
            }
            AnnotationMirror first = layerMirrors.get(0);
            AnnotationValues values = new AnnotationValues(first, elements);
            Site site = new Site(field, first, values.written(), suppressed);
            for (AnnotationMirror extra : layerMirrors.subList(1, layerMirrors.size())) {
                Site extraSite = new Site(field, extra, Map.of(), suppressed);
                problems.add(new ReadNetwork.Located(Diagnostic.of(Message.TWO_LAYER_ANNOTATIONS, Diagnostic.NETWORK,
                        null, List.of("help: declare a second field for the second layer"), name,
                        simpleName(first), simpleName(extra)), extraSite));
            }
            if (!isLayerType) {
                problems.add(new ReadNetwork.Located(Diagnostic.of(Message.NOT_A_LAYER_FIELD, Diagnostic.NETWORK,
                        null, List.of("help: declare it as  Layer " + name + ";"), name, field.asType()), site));
            }
            layers.add(layerSpec(name, simpleName(first), values));
            sites.add(site);
        }
        String packageName = elements.getPackageOf(type).getQualifiedName().toString();
        NetworkSpec spec = new NetworkSpec(packageName, className, generatedName,
                networkValues.integers("input"), layers);
        return new ReadNetwork(spec, networkSite, sites, problems);
    }

    private static LayerSpec layerSpec(String name, String kind, AnnotationValues v)
            throws AnnotationValues.Unreadable {
        Set<String> written = v.writtenNames();
        return switch (kind) {
            case "Conv" -> {
                // kernel = K sets both sizes, unless the height or width is also written (a conflict
                // the checker reports, naming the written value).
                int kernel = v.integer("kernel");
                boolean squareHeight = written.contains("kernel") && !written.contains("kernelHeight");
                boolean squareWidth = written.contains("kernel") && !written.contains("kernelWidth");
                Activation activation = Activation.valueOf(v.constant("activation"));
                yield new LayerSpec.ConvSpec(name, written, v.integer("filters"),
                        squareHeight ? kernel : v.integer("kernelHeight"),
                        squareWidth ? kernel : v.integer("kernelWidth"),
                        v.integer("stride"), v.integer("padding"), Padding.valueOf(v.constant("mode")),
                        v.bool("floor"), activation, init(v, activation), v.decimal("l2"), v.bool("trainable"));
            }
            case "MaxPool", "AvgPool" -> {
                Padding mode = Padding.valueOf(v.constant("mode"));
                if (written.contains("padding") && !written.contains("mode")) {
                    mode = Padding.EXPLICIT;
                }
                yield new LayerSpec.PoolSpec(name, written,
                        kind.equals("MaxPool") ? LayerSpec.PoolKind.MAX : LayerSpec.PoolKind.AVG,
                        v.integer("size"), v.integer("stride"), v.integer("padding"), mode, v.bool("floor"));
            }
            case "GlobalAvgPool" -> new LayerSpec.GlobalAvgPoolSpec(name, written);
            case "Dense" -> {
                Activation activation = Activation.valueOf(v.constant("activation"));
                yield new LayerSpec.DenseSpec(name, written, v.integer("units"), activation, init(v, activation),
                        v.decimal("l2"), v.bool("trainable"));
            }
            case "Dropout" -> new LayerSpec.DropoutSpec(name, written, v.decimal("value"));
            default -> throw new IllegalStateException("unknown layer annotation @" + kind);
        };
    }

    /** AUTO becomes He for ReLU layers (suited to ReLU's half-zero outputs), Glorot otherwise. */
    private static InitSpec init(AnnotationValues v, Activation activation) throws AnnotationValues.Unreadable {
        Init weights = Init.valueOf(v.constant("init"));
        if (weights == Init.AUTO) {
            weights = activation == Activation.RELU ? Init.HE : Init.GLOROT;
        }
        return new InitSpec(weights, v.decimal("stddev"), v.decimal("bias"));
    }

    /** The generated class, in the same package, must be able to name this class. */
    private Optional<Diagnostic> classProblems(TypeElement type, Site site) {
        if (type.getKind() != ElementKind.CLASS) {
            String what = switch (type.getKind()) {
                case INTERFACE -> "an interface";
                case ENUM -> "an enum";
                case RECORD -> "a record";
                case ANNOTATION_TYPE -> "an annotation type";
                default -> type.getKind().toString().toLowerCase(java.util.Locale.ROOT);
            };
            return Optional.of(Diagnostic.of(Message.NOT_A_CLASS, Diagnostic.NETWORK, null, List.of(), what));
        }
        for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
            String why = null;
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                why = "private";
            } else if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS) {
                why = "a local class";
            } else if (t.getNestingKind() == NestingKind.MEMBER && !t.getModifiers().contains(Modifier.STATIC)
                    && t.getKind() == ElementKind.CLASS && !isInterfaceMember(t)) {
                why = "an inner (non-static) class";
            }
            if (why != null) {
                String subject = t == type ? type.getSimpleName().toString()
                        : type.getSimpleName() + "'s enclosing class " + t.getSimpleName();
                String help = why.equals("private") ? "help: remove private (package access is enough)"
                        : why.equals("a local class") ? "help: move it to its own file or make it a static member"
                        : "help: declare it static";
                return Optional.of(Diagnostic.of(Message.UNREACHABLE_CLASS, Diagnostic.NETWORK, null,
                        List.of(help), subject, why));
            }
        }
        return Optional.empty();
    }

    private static boolean isInterfaceMember(TypeElement t) {
        ElementKind outer = t.getEnclosingElement().getKind();
        return outer == ElementKind.INTERFACE || outer == ElementKind.ANNOTATION_TYPE;
    }

    private TypeMirror layerType() {
        TypeElement layer = elements.getTypeElement(LAYER_TYPE);
        return layer == null ? null : layer.asType();
    }

    /** @SuppressWarnings values on the class and every class around it. */
    private static Set<String> suppressedAround(TypeElement type) {
        Set<String> tokens = new HashSet<>();
        for (Element e = type; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            tokens.addAll(suppressedOn(e));
        }
        return tokens;
    }

    private static Set<String> suppressedOn(Element element) {
        SuppressWarnings annotation = element.getAnnotation(SuppressWarnings.class);
        return annotation == null ? Set.of() : new HashSet<>(java.util.Arrays.asList(annotation.value()));
    }

    private static Optional<AnnotationMirror> mirror(Element element, String qualifiedName) {
        return element.getAnnotationMirrors().stream()
                .filter(m -> qualifiedName(m).equals(qualifiedName))
                .map(m -> (AnnotationMirror) m)
                .findFirst();
    }

    private static String qualifiedName(AnnotationMirror mirror) {
        return ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
    }

    private static String simpleName(AnnotationMirror mirror) {
        return mirror.getAnnotationType().asElement().getSimpleName().toString();
    }
}
