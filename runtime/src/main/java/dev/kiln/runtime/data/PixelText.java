package dev.kiln.runtime.data;

/**
 * Parses a row of pixel values 0..255 written as text, separated by a character (a comma in a CSV
 * row, a space in FER-2013's pixels field), without creating a string per value. Spaces around a
 * value are allowed; with a space as the separator, runs of spaces are one separator.
 */
final class PixelText {
    private PixelText() {
    }

    /**
     * Parses {@code text} from {@code start} into all of {@code row}; {@code where} ("file:line")
     * and {@code shape} ("48x48") go into the messages.
     */
    static void parse(String text, int start, char separator, byte[] row, String where, String shape)
            throws MalformedDataException {
        int count = 0;
        int i = start;
        int length = text.length();
        boolean afterSeparator = false;
        while (true) {
            while (i < length && text.charAt(i) == ' ') {
                i++;
            }
            if (i == length) {
                if (afterSeparator) {
                    throw new MalformedDataException(where + ": pixel " + (count + 1) + " is empty");
                }
                break;
            }
            int begin = i;
            int value = 0;
            while (i < length && text.charAt(i) != separator && text.charAt(i) != ' ') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - begin >= 3) {
                    throw new MalformedDataException(where + ": pixel " + (count + 1) + " is '" + token(text, begin, separator)
                            + "', not a whole number in 0..255");
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (i == begin) {
                throw new MalformedDataException(where + ": pixel " + (count + 1) + " is empty");
            }
            if (value > 255) {
                throw new MalformedDataException(where + ": pixel " + (count + 1) + " is " + value + ", outside 0..255");
            }
            if (count == row.length) {
                throw new MalformedDataException(where + ": more than " + row.length + " pixel values (" + shape + ")");
            }
            row[count++] = (byte) value;
            afterSeparator = false;
            while (i < length && text.charAt(i) == ' ') {
                i++;
            }
            if (separator != ' ' && i < length) {
                if (text.charAt(i) != separator) {
                    throw new MalformedDataException(where + ": pixel " + count + " is '" + token(text, begin, separator)
                            + "', not a whole number in 0..255");
                }
                i++;
                afterSeparator = true;
            }
        }
        if (count != row.length) {
            throw new MalformedDataException(where + ": expected " + row.length + " pixel values (" + shape + "), found " + count);
        }
    }

    /** The value starting at {@code begin}, up to the next separator, for a message. */
    private static String token(String text, int begin, char separator) {
        int end = text.indexOf(separator, begin);
        return text.substring(begin, end < 0 ? text.length() : end).trim();
    }
}
