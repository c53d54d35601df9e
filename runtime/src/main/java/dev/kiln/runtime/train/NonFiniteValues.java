package dev.kiln.runtime.train;

import dev.kiln.runtime.model.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The NaN and infinite values among a set of named arrays (a model's parameters, a checkpoint's
 * tensors, an optimizer's state), counted for a message. A weight that is not finite makes every
 * later prediction and step NaN, so the training loop and checkpoints refuse to keep one.
 *
 * @param first      the first array holding such a value, e.g. "fc1.weight"
 * @param firstCount how many of {@code first}'s values are not finite
 * @param firstSize  how many values {@code first} has
 * @param count      non-finite values in all the arrays
 * @param size       values in all the arrays
 * @param arrays     how many arrays hold at least one
 */
public record NonFiniteValues(String first, long firstCount, long firstSize, long count, long size, int arrays) {

    /** The non-finite values among {@code parameters}' values; empty when all are finite. */
    public static Optional<NonFiniteValues> in(List<Parameter> parameters) {
        Counter counter = new Counter();
        for (Parameter p : parameters) {
            counter.add(p.name(), p.value());
        }
        return counter.result();
    }

    /** The non-finite values among the arrays of {@code named}, in its iteration order; empty when all are finite. */
    public static Optional<NonFiniteValues> in(Map<String, float[]> named) {
        Counter counter = new Counter();
        named.forEach(counter::add);
        return counter.result();
    }

    /** "fc1.weight has 12 of 800 values NaN or infinite (3,274,634 of 3,274,634 in 8 arrays)". */
    public String describe() {
        String text = String.format(Locale.ROOT, "%s has %,d of %,d values NaN or infinite", first, firstCount, firstSize);
        return arrays == 1 ? text : text + String.format(Locale.ROOT, " (%,d of %,d in %d arrays)", count, size, arrays);
    }

    /** Sums the counts over the arrays, remembering the first that holds a bad value. */
    private static final class Counter {
        private String first;
        private long firstCount;
        private long firstSize;
        private long count;
        private long size;
        private int arrays;

        void add(String name, float[] values) {
            size += values.length;
            long bad = countNonFinite(values);
            if (bad == 0) {
                return;
            }
            if (first == null) {
                first = name;
                firstCount = bad;
                firstSize = values.length;
            }
            count += bad;
            arrays++;
        }

        Optional<NonFiniteValues> result() {
            return first == null ? Optional.empty()
                    : Optional.of(new NonFiniteValues(first, firstCount, firstSize, count, size, arrays));
        }

        private static long countNonFinite(float[] values) {
            long bad = 0;
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    bad++;
                }
            }
            return bad;
        }
    }
}
