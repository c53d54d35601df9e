package dev.kiln.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.kernels.KernelProvider;
import dev.kiln.runtime.kernels.Kernels;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.train.RandomBatch;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StepProfileTest {

    @Test
    void timedKernelsAndOptimizerComputeTheSameBitsAsTheOnesTheyWrap() {
        Kernels plain = KernelProvider.get();
        float[][] expected = trainTwoSteps(SeedNetworks.TF_16_36.create(3, 2, plain), Adam.withLearningRate(1e-3f));
        TimedOptimizer timedAdam = new TimedOptimizer(Adam.withLearningRate(1e-3f));
        float[][] timed = trainTwoSteps(SeedNetworks.TF_16_36.create(3, 2, new TimedKernels(plain)), timedAdam);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], timed[i], "parameter " + i);
        }
        assertTrue(timedAdam.calls() > 0 && timedAdam.nanos() > 0, "the updates were timed");
        assertEquals("adam", timedAdam.name());
    }

    @Test
    void everyLayerWithWeightsHasItsKernelsNamedAndTheSharesAddUpToTheThreadsTime() {
        StepProfile.Profile profile = StepProfile.measure(SeedNetworks.LENET_LIKE, 2, 16, 0, 0);
        List<StepProfile.Line> lines = profile.lines();
        Set<String> named = lines.stream().filter(l -> l.part() == StepProfile.Part.KERNEL)
                .map(l -> l.layer() + " " + l.kernel().replace(" (Winograd)", "")).collect(Collectors.toSet());
        for (String layer : List.of("conv1", "conv2", "conv3", "fc1", "logits")) {
            assertTrue(named.contains(layer + " forward"), layer + " forward in " + named);
            assertTrue(named.contains(layer + " weight gradient"), layer + " weight gradient in " + named);
        }
        for (String layer : List.of("conv2", "conv3", "fc1", "logits")) {
            assertTrue(named.contains(layer + " input gradient"), layer + " input gradient in " + named);
        }
        assertFalse(named.contains("conv1 input gradient"), "the first layer needs no input gradient: " + named);
        for (String pool : List.of("pool1", "pool2", "pool3")) {
            assertTrue(named.contains(pool + " forward") && named.contains(pool + " backward"), pool + " in " + named);
        }
        double shares = lines.stream().mapToDouble(StepProfile.Line::share).sum();
        assertEquals(1, shares, 1e-9, "the kernels' shares and the time outside them");
        // Each example passes through conv2's forward once a step, on one thread or the other.
        double conv2Calls = lines.stream().filter(l -> "conv2".equals(l.layer()) && l.kernel().startsWith("forward"))
                .mapToDouble(StepProfile.Line::callsPerStep).sum();
        assertEquals(16, conv2Calls, 1e-9);
        double[] perThread = profile.kernelMillisPerThread();
        assertEquals(2, perThread.length, "the caller and the model's worker");
        double inKernels = lines.stream().filter(l -> l.part() == StepProfile.Part.KERNEL).mapToDouble(StepProfile.Line::millisPerStep).sum();
        assertEquals(inKernels, perThread[0] + perThread[1], 1e-6 * inKernels, "the threads' kernel time is the lines'");
        for (double millis : perThread) {
            assertTrue(millis > 0 && millis <= profile.millisPerStep(), millis + " ms of a " + profile.millisPerStep() + " ms step");
        }
        // The optimizer's updates, apart from the kernels and the rest: at least one per parameter and step.
        List<StepProfile.Line> updates = lines.stream().filter(l -> l.part() == StepProfile.Part.OPTIMIZER).toList();
        assertEquals(1, updates.size(), "one line for the optimizer");
        assertTrue(updates.get(0).millisPerStep() > 0 && updates.get(0).callsPerStep() >= 10, updates.get(0).toString());
        assertEquals(1, lines.stream().filter(l -> l.part() == StepProfile.Part.OUTSIDE).count(), "one line for the rest");
        String table = StepProfile.format(profile, 100);
        assertTrue(table.contains("| conv3 | forward"), "the table names its rows");
        assertTrue(table.contains("| (every parameter) | optimizer update (adam) |"), table);
        assertTrue(table.contains("Time in kernels a step, per thread (the caller first): "), table);
    }

    private static float[][] trainTwoSteps(Model model, Optimizer optimizer) {
        try (model) {
            int batch = 8;
            RandomBatch data = RandomBatch.of(model, batch, 9);
            model.trainStep(data.images(), data.labels(), batch, optimizer);
            model.trainStep(data.images(), data.labels(), batch, optimizer);
            return model.parameters().stream().map(Parameter::value).map(float[]::clone).toArray(float[][]::new);
        }
    }
}
