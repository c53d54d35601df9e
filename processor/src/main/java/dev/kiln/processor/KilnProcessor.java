package dev.kiln.processor;

import com.google.auto.service.AutoService;
import dev.kiln.dsl.Network;
import dev.kiln.processor.check.CheckResult;
import dev.kiln.processor.check.NetworkChecker;
import dev.kiln.processor.check.WeightsFileCheck;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Message;
import dev.kiln.processor.generate.ModelFileGenerator;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.read.NetworkReader;
import dev.kiln.processor.read.ReadNetwork;
import dev.kiln.processor.read.Site;
import dev.kiln.processor.read.WeightsFileReader;
import dev.kiln.processor.summary.SummaryTable;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic.Kind;

/**
 * Checks every {@code @Network} class and generates its model: read the class into plain values,
 * check them (all problems reported, with the arithmetic and a repair), and only if nothing is
 * wrong, write the model. Nothing thrown inside reaches javac but a broken JVM: anything
 * unexpected, an exception or an error such as {@link OutOfMemoryError}, becomes one
 * {@code [Kiln/InternalError]} on the class.
 *
 * <p>Options: {@code -Akiln.summary=true} prints each valid network's summary table as a note;
 * {@code -Akiln.generate=false} checks without writing models (quick checks, and the processor's
 * own tests).
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {

    static final String SUMMARY_OPTION = "kiln.summary";
    static final String GENERATE_OPTION = "kiln.generate";

    /** Runs first on each class: nothing, except in the tests of how a failure inside is reported. */
    private final Consumer<TypeElement> beforeEachClass;

    public KilnProcessor() {
        this(type -> { });
    }

    KilnProcessor(Consumer<TypeElement> beforeEachClass) {
        this.beforeEachClass = beforeEachClass;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("dev.kiln.dsl.Network");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(SUMMARY_OPTION, GENERATE_OPTION);
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement network = processingEnv.getElementUtils().getTypeElement("dev.kiln.dsl.Network");
        if (network == null) {
            return false;
        }
        for (Element element : round.getElementsAnnotatedWith(network)) {
            if (element instanceof TypeElement type) {
                try {
                    beforeEachClass.accept(type);
                    process(type);
                } catch (Throwable e) {
                    if (!reportable(e)) {
                        throw e;
                    }
                    internalError(type, e);
                }
            }
        }
        return false;
    }

    private void process(TypeElement type) {
        NetworkReader reader = new NetworkReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
        Optional<ReadNetwork> read = reader.read(type);
        if (read.isEmpty()) {
            return;
        }
        ReadNetwork network = read.get();
        Reporter reporter = new Reporter(processingEnv.getMessager());
        for (ReadNetwork.Located problem : network.problems()) {
            reporter.report(problem.diagnostic(), problem.site());
        }
        if (network.problems().stream().anyMatch(p -> p.diagnostic().message() == Message.NOT_A_CLASS)) {
            return; // an interface or enum has no layers to check: one cause, one error
        }
        CheckResult result = NetworkChecker.check(network.spec());
        for (Diagnostic diagnostic : result.diagnostics()) {
            reporter.report(diagnostic, network.siteOf(diagnostic));
        }
        if (reporter.hadErrors() || result.model().isEmpty()) {
            return;
        }
        NetworkModel model = result.model().get();
        String weights = type.getAnnotation(Network.class).weights();
        if (!weights.isEmpty()) {
            checkWeights(model, type, weights, network, reporter);
            if (reporter.hadErrors()) {
                return;
            }
        }
        if (option(SUMMARY_OPTION, false)) {
            List<String> lines = Arrays.asList(SummaryTable.render(model).split("\n"));
            reporter.report(new Diagnostic(Message.SUMMARY, Diagnostic.NETWORK, null, lines), network.network());
        }
        if (option(GENERATE_OPTION, true)) {
            write(model, weights, type, network.network(), reporter);
        }
    }

    /** Reads the header of the weights file and reports every tensor that does not fit the network. */
    private void checkWeights(NetworkModel model, TypeElement type, String weights, ReadNetwork network, Reporter reporter) {
        switch (new WeightsFileReader(processingEnv).read(type, weights)) {
            case WeightsFileReader.Problem problem -> reporter.report(problem.diagnostic(), network.network());
            case WeightsFileReader.Header header -> {
                for (Diagnostic diagnostic : WeightsFileCheck.check(model, weights, header.json())) {
                    reporter.report(diagnostic, network.siteOf(diagnostic));
                }
            }
        }
    }

    private void write(NetworkModel model, String weights, TypeElement type, Site site, Reporter reporter) {
        try {
            new ModelFileGenerator().write(model, weights, type, processingEnv.getFiler());
        } catch (IOException e) {
            reporter.report(Diagnostic.of(Message.WRITE_FAILED, Diagnostic.NETWORK, null, List.of(),
                    type.getQualifiedName(), e.getMessage()), site);
        }
    }

    private boolean option(String name, boolean otherwise) {
        Map<String, String> options = processingEnv.getOptions();
        if (!options.containsKey(name)) {
            return otherwise;
        }
        String value = options.get(name);
        // "-Akiln.summary" with no value means true, as a flag reads.
        return value == null || value.isEmpty() || Boolean.parseBoolean(value);
    }

    /**
     * Everything thrown while processing one class is reported on it, and javac goes on with the
     * next: exceptions, linkage errors, and running out of memory or stack (what the failed
     * attempt held is garbage once it unwound, so printing the message has room). Only a broken
     * virtual machine (InternalError, UnknownError) is left to end the compilation.
     */
    static boolean reportable(Throwable e) {
        return !(e instanceof VirtualMachineError) || e instanceof OutOfMemoryError || e instanceof StackOverflowError;
    }

    private void internalError(TypeElement type, Throwable e) {
        StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        String cause = e + (where == null ? "" : " at " + where);
        Diagnostic diagnostic = Diagnostic.of(Message.INTERNAL_ERROR, Diagnostic.NETWORK, null, List.of(),
                type.getQualifiedName(), cause);
        processingEnv.getMessager().printMessage(Kind.ERROR, diagnostic.text(), type);
    }
}
