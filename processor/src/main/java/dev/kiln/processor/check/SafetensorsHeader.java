package dev.kiln.processor.check;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the JSON header of a safetensors file into {@code Map<String, Object>} (file order),
 * {@code List<Object>}, {@code String} and {@code Long}: the subset a header holds. Anything else
 * (floats, true/false/null, duplicate keys, deep nesting, text after the object) is refused.
 *
 * <p>Why a second parser besides the runtime's {@code HeaderJson}: the processor runs inside
 * javac and must not link against the runtime (which needs JDK 25 and the vector module), and the
 * DSL module, the only one both see, holds annotations alone. This one only has to be strict
 * enough to find the tensors' names, dtypes and shapes; the runtime's also checks offsets.
 */
public final class SafetensorsHeader {
    /** The largest header read: the runtime's (and the reference implementation's) limit, 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int MAX_DEPTH = 8;

    /** The header is not a JSON object of the subset; the message says what and where. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int at;

    private SafetensorsHeader(String text) {
        this.text = text;
    }

    /** Parses {@code utf8} as one JSON object. */
    public static Map<String, Object> parse(byte[] utf8) throws Malformed {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the header is not valid UTF-8");
        }
        SafetensorsHeader parser = new SafetensorsHeader(text);
        parser.skipSpace();
        if (parser.peek() != '{') {
            throw parser.malformed("the header must be a JSON object starting with '{'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) parser.value(0);
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.malformed("text after the closing '}'");
        }
        return root;
    }

    private Object value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw malformed("nesting deeper than " + MAX_DEPTH + " levels");
        }
        skipSpace();
        char c = peek();
        if (c == '{') {
            return object(depth);
        } else if (c == '[') {
            return array(depth);
        } else if (c == '"') {
            return string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            return integer();
        }
        throw malformed(c == 0 ? "the header ends where a value is expected" : "unexpected '" + c + "'");
    }

    private Map<String, Object> object(int depth) throws Malformed {
        at++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw malformed("expected a quoted key");
            }
            String key = string();
            skipSpace();
            expect(':');
            if (members.put(key, value(depth + 1)) != null) {
                throw malformed("the key \"" + key + "\" a second time");
            }
            skipSpace();
            char next = peek();
            at++;
            if (next == '}') {
                return members;
            } else if (next != ',') {
                at--;
                throw malformed("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws Malformed {
        at++; // '['
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            items.add(value(depth + 1));
            skipSpace();
            char next = peek();
            at++;
            if (next == ']') {
                return items;
            } else if (next != ',') {
                at--;
                throw malformed("expected ',' or ']'");
            }
        }
    }

    private String string() throws Malformed {
        at++; // '"'
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            } else if (c < 0x20) {
                throw malformed("a control character inside a string");
            } else if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = at < text.length() ? text.charAt(at++) : 0;
            switch (escape) {
                case '"', '\\', '/' -> out.append(escape);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hexChar());
                default -> throw malformed("an invalid escape '\\" + escape + "'");
            }
        }
        throw malformed("a string is not closed");
    }

    private char hexChar() throws Malformed {
        if (at + 4 > text.length()) {
            throw malformed("a \\u escape needs four hexadecimal digits");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at++), 16);
            if (digit < 0) {
                throw malformed("a \\u escape needs four hexadecimal digits");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private Long integer() throws Malformed {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        int digits = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at == digits) {
            throw malformed("a '-' without digits");
        }
        char next = peek();
        if (next == '.' || next == 'e' || next == 'E') {
            throw malformed("a number that is not an integer");
        }
        try {
            return Long.parseLong(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw malformed("the integer " + text.substring(start, at) + " is out of range");
        }
    }

    private void expect(char c) throws Malformed {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpace() {
        while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private Malformed malformed(String what) {
        return new Malformed("the header is not valid JSON: " + what + " at character " + at);
    }
}
