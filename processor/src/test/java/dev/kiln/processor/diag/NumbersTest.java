package dev.kiln.processor.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {
    @Test
    void quotientsShowTwoDecimalsWithoutTrailingZeros() {
        assertEquals("10.33", Numbers.quotient(31, 3));
        assertEquals("10.67", Numbers.quotient(32, 3));
        assertEquals("10.5", Numbers.quotient(21, 2));
        assertEquals("11", Numbers.quotient(22, 2));
        assertEquals("-1", Numbers.quotient(-2, 2));
    }

    @Test
    void aFractionNeverPrintsAsAWholeNumber() {
        assertEquals("9.995", Numbers.quotient(1999, 200));
    }
}
