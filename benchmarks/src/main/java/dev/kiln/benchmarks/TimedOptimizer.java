package dev.kiln.benchmarks;

import dev.kiln.runtime.model.Parameter;
import dev.kiln.runtime.optim.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * An optimizer that times every update it makes, from whichever threads make them, and hands
 * everything to the one it wraps: the same updates, so the same bits. {@link StepProfile} uses it
 * to give the update a line of its own, apart from the waits and the rest of the step outside the
 * kernels: a large dense layer's update streams its weight and moments from memory, and is the
 * part of a step that slows when the machine's memory is busy.
 */
final class TimedOptimizer implements Optimizer {
    private final Optimizer optimizer;
    private final LongAdder nanos = new LongAdder();
    private final LongAdder calls = new LongAdder();

    TimedOptimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /** Nanoseconds spent in updates so far, summed over the threads. */
    long nanos() {
        return nanos.sum();
    }

    /** Updates made so far: whole steps and ranges. */
    long calls() {
        return calls.sum();
    }

    /** "adam" of "adam(lr=0.001, ...)": the wrapped optimizer's name. */
    String name() {
        String described = optimizer.describe();
        int paren = described.indexOf('(');
        return paren < 0 ? described : described.substring(0, paren);
    }

    @Override
    public void step(List<Parameter> parameters) {
        long start = System.nanoTime();
        optimizer.step(parameters);
        count(start);
    }

    @Override
    public boolean beginStep(List<Parameter> parameters) {
        return optimizer.beginStep(parameters);
    }

    @Override
    public void updateRange(Parameter p, int from, int to) {
        long start = System.nanoTime();
        optimizer.updateRange(p, from, to);
        count(start);
    }

    @Override
    public void updateRange(Parameter p, int from, int to, float[] grad, int gradAt) {
        long start = System.nanoTime();
        optimizer.updateRange(p, from, to, grad, gradAt);
        count(start);
    }

    private void count(long start) {
        nanos.add(System.nanoTime() - start);
        calls.increment();
    }

    @Override
    public float learningRate() {
        return optimizer.learningRate();
    }

    @Override
    public void setLearningRate(float learningRate) {
        optimizer.setLearningRate(learningRate);
    }

    @Override
    public Map<String, float[]> state() {
        return optimizer.state();
    }

    @Override
    public void restore(Map<String, float[]> state, List<Parameter> parameters) {
        optimizer.restore(state, parameters);
    }

    @Override
    public String describe() {
        return optimizer.describe();
    }
}
