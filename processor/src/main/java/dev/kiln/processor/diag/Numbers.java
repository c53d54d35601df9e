package dev.kiln.processor.diag;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;

/** Numbers as messages show them, the same under every default locale (javac's may be German's "4.800.000.000"). */
public final class Numbers {

    private Numbers() {}

    /**
     * A quotient with two decimals and no trailing zeros: 31/3 as "10.33", 21/2 as "10.5", 22/2 as
     * "11". A fraction that would round to a whole number at two decimals (1999/200) gets as many
     * decimals as it needs to show it is not one.
     */
    public static String quotient(long numerator, long denominator) {
        BigDecimal exact = BigDecimal.valueOf(numerator);
        BigDecimal divisor = BigDecimal.valueOf(denominator);
        boolean whole = numerator % denominator == 0;
        for (int scale = 2; ; scale++) {
            BigDecimal rounded = exact.divide(divisor, scale, RoundingMode.HALF_UP).stripTrailingZeros();
            boolean looksWhole = rounded.scale() <= 0;
            if (whole || !looksWhole) {
                return rounded.toPlainString();
            }
        }
    }

    /** 4800000000 as "4,800,000,000". */
    public static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** As {@link #grouped(long)}, for products beyond a long. */
    public static String grouped(BigInteger value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A double as the user would write it: 0.5, 1.0E-4, NaN. */
    public static String decimal(double value) {
        return Double.toString(value);
    }

    /** "1 row", "2 rows". */
    public static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }
}
