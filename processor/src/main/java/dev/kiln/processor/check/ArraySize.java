package dev.kiln.processor.check;

import dev.kiln.processor.diag.Numbers;
import java.math.BigInteger;

/**
 * The exact number of values in one array of a generated model, computed with no overflow, and
 * whether a Java array can hold it: arrays are indexed by int, so at most
 * {@link Integer#MAX_VALUE} values. A product of a few ints can exceed even a long (three input
 * sizes of 2,147,483,647 make 9.9e27), so it is kept exact, and messages show the true number.
 */
record ArraySize(BigInteger values) {

    private static final BigInteger LIMIT = BigInteger.valueOf(Integer.MAX_VALUE);

    static ArraySize product(long... factors) {
        BigInteger product = BigInteger.ONE;
        for (long factor : factors) {
            product = product.multiply(BigInteger.valueOf(factor));
        }
        return new ArraySize(product);
    }

    ArraySize plus(ArraySize other) {
        return new ArraySize(values.add(other.values));
    }

    boolean fits() {
        return values.signum() >= 0 && values.compareTo(LIMIT) <= 0;
    }

    /** The size; only for a size that {@link #fits()}. */
    long asLong() {
        return values.longValueExact();
    }

    /** "4,800,000,000". */
    String grouped() {
        return Numbers.grouped(values);
    }

    /** "2,147,483,647": the most values a Java array holds, as messages quote it. */
    static String limit() {
        return Numbers.grouped(Integer.MAX_VALUE);
    }
}
