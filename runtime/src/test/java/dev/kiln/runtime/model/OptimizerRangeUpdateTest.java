package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.RmsProp;
import dev.kiln.runtime.optim.Sgd;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model updates its parameters in index ranges on its workers ({@link Optimizer#beginStep} and
 * {@link Optimizer#updateRange}); this checks that doing so, in uneven pieces and on two threads
 * at once, gives exactly the weights and optimizer state of whole {@link Optimizer#step} calls.
 */
class OptimizerRangeUpdateTest {

    private static final int SIZE = 10_007;   // prime: the pieces never divide it evenly

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd", "nesterov", "rmsprop"})
    void rangesOnTwoThreadsMatchWholeSteps(String kind) throws InterruptedException {
        Supplier<Optimizer> make = () -> switch (kind) {
            case "adam" -> Adam.withLearningRate(1e-2f);
            case "adamw" -> Adam.withLearningRate(1e-2f).withWeightDecay(0.1f);
            case "sgd" -> Sgd.withLearningRate(0.1f);
            case "nesterov" -> Sgd.withLearningRate(0.1f).withMomentum(0.9f).withNesterov(true);
            default -> RmsProp.withLearningRate(1e-2f);
        };
        for (boolean gradientElsewhere : new boolean[] {false, true}) {
            rangesMatchWholeSteps(make, gradientElsewhere);
        }
    }

    /**
     * With {@code gradientElsewhere}, each range reads its gradient from a buffer of its own at an
     * offset ({@link Optimizer#updateRange(Parameter, int, int, float[], int)}), as a model's
     * update does for a gradient it never stores, while the parameter's own holds NaN.
     */
    private static void rangesMatchWholeSteps(Supplier<Optimizer> make, boolean gradientElsewhere) throws InterruptedException {
        List<Parameter> whole = parameters(), pieces = parameters();
        Optimizer wholeOptimizer = make.get(), piecesOptimizer = make.get();
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int step = 0; step < 4; step++) {
                setGradients(whole, step);
                setGradients(pieces, step);
                wholeOptimizer.step(whole);
                assertTrue(piecesOptimizer.beginStep(pieces));
                pool.run(worker -> {
                    for (Parameter p : pieces) {
                        if (!p.trainable()) {
                            continue;
                        }
                        int from = p.size() * worker / 2, to = p.size() * (worker + 1) / 2;
                        for (int start = from; start < to; start += 997) {
                            int end = Math.min(start + 997, to);
                            if (gradientElsewhere) {
                                float[] buffer = new float[3 + end - start];
                                System.arraycopy(p.grad(), start, buffer, 3, end - start);
                                java.util.Arrays.fill(p.grad(), start, end, Float.NaN);
                                piecesOptimizer.updateRange(p, start, end, buffer, 3);
                            } else {
                                piecesOptimizer.updateRange(p, start, end);
                            }
                        }
                    }
                });
            }
        }
        for (int i = 0; i < whole.size(); i++) {
            assertArrayEquals(whole.get(i).value(), pieces.get(i).value(), whole.get(i).name());
        }
        Map<String, float[]> expected = wholeOptimizer.state(), actual = piecesOptimizer.state();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((key, values) -> assertArrayEquals(values, actual.get(key), key));
        assertFalse(expected.keySet().stream().anyMatch(key -> key.startsWith("frozen/")), "frozen parameters get no slots");
    }

    /** A trainable parameter with an L2 factor, a frozen one, and a small trainable one. */
    private static List<Parameter> parameters() {
        Parameter big = new Parameter("big", new int[] {SIZE}, null, true, 1e-3f);
        Parameter frozen = new Parameter("frozen", new int[] {17}, null, false, 0f);
        Parameter small = new Parameter("small", new int[] {5}, null, true, 0f);
        List<Parameter> all = List.of(big, frozen, small);
        SplittableRandom random = new SplittableRandom(11);
        for (Parameter p : all) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) random.nextGaussian();
            }
        }
        return all;
    }

    private static void setGradients(List<Parameter> parameters, int step) {
        for (Parameter p : parameters) {
            for (int i = 0; i < p.size(); i++) {
                p.grad()[i] = (float) Math.sin(step * 7.0 + i * 0.37);
            }
        }
    }
}
