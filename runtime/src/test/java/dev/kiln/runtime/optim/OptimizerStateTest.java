package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.TinyParameters.parameter;
import static dev.kiln.runtime.optim.TinyParameters.setGradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What every optimizer must do the same way: frozen parameters, state round trips. */
class OptimizerStateTest {

    static Stream<Supplier<Optimizer>> optimizers() {
        return Stream.of(
                () -> Adam.withLearningRate(0.01f).withWeightDecay(0.01f),
                () -> Sgd.withLearningRate(0.1f).withMomentum(0.9f),
                () -> RmsProp.withLearningRate(0.01f).withMomentum(0.5f));
    }

    private static List<Parameter> parameters() {
        return List.of(parameter("conv1.weight", 0.01f, true, 0.5f, -1.25f, 2f, 0.75f),
                parameter("conv1.bias", 0f, true, 0.1f, -0.2f),
                parameter("frozen.weight", 0.5f, false, 3f, 4f));
    }

    private static void train(Optimizer optimizer, List<Parameter> params, int fromStep, int toStep) {
        for (int t = fromStep; t <= toStep; t++) {
            for (Parameter p : params) {
                setGradient(p, t);
            }
            optimizer.step(params);
        }
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void frozenParametersAreLeftAlone(Supplier<Optimizer> make) {
        Optimizer optimizer = make.get();
        List<Parameter> params = parameters();
        train(optimizer, params, 1, 3);
        assertArrayEquals(new float[] {3f, 4f}, params.get(2).value());
        assertTrue(optimizer.state().keySet().stream().noneMatch(key -> key.startsWith("frozen.")),
                () -> "state of a frozen parameter: " + optimizer.state().keySet());
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void restoredStateContinuesBitForBit(Supplier<Optimizer> make) {
        List<Parameter> straight = parameters();
        Optimizer uninterrupted = make.get();
        train(uninterrupted, straight, 1, 5);

        List<Parameter> first = parameters();
        Optimizer before = make.get();
        train(before, first, 1, 2);
        Map<String, float[]> saved = before.state();

        List<Parameter> resumed = parameters();
        for (int i = 0; i < resumed.size(); i++) {
            resumed.get(i).fromPytorch(first.get(i).toPytorch());
        }
        Optimizer after = make.get();
        after.restore(saved, resumed);
        train(after, resumed, 3, 5);

        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).value(), resumed.get(i).value(), straight.get(i).name());
        }
        assertEquals(uninterrupted.state().keySet(), after.state().keySet());
    }

    @Test
    void stateHoldsTheStepAndTheMomentsByParameterName() {
        Adam adam = Adam.withLearningRate(0.01f);
        train(adam, parameters(), 1, 2);
        Map<String, float[]> state = adam.state();
        assertEquals(List.of("step", "conv1.weight/m", "conv1.weight/v", "conv1.bias/m", "conv1.bias/v"),
                List.copyOf(state.keySet()));
        assertEquals(2, StepCounter.decode(state.get("step")));
    }

    @Test
    void stepCounterRoundTripsEveryLong() {
        for (long step : new long[] {0, 1, 65535, 65536, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            assertEquals(step, StepCounter.decode(StepCounter.encode(step)));
        }
    }

    @Test
    void restoringAnotherOptimizersStateNamesTheMissingEntry() {
        List<Parameter> params = parameters();
        Sgd sgd = Sgd.withLearningRate(0.1f).withMomentum(0.9f);
        train(sgd, params, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Adam.withLearningRate(0.01f).restore(sgd.state(), params));
        assertTrue(e.getMessage().contains("no entry 'conv1.weight/m'"), e.getMessage());
    }

    @Test
    void restoringAWronglySizedEntryNamesIt() {
        List<Parameter> params = parameters();
        Adam adam = Adam.withLearningRate(0.01f);
        train(adam, params, 1, 1);
        Map<String, float[]> state = adam.state();
        state.put("conv1.bias/v", new float[5]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Adam.withLearningRate(0.01f).restore(state, params));
        assertTrue(e.getMessage().contains("'conv1.bias/v' holds 5 values, but conv1.bias has 2"), e.getMessage());
    }
}
