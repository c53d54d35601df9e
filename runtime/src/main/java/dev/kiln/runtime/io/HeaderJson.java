package dev.kiln.runtime.io;

import dev.kiln.runtime.io.SafetensorsException.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the JSON a safetensors header holds: objects, arrays, strings and integers
 * (values become {@code Map<String, Object>} in file order, {@code List<Object>}, {@code String},
 * {@code Long}). Floating-point numbers, {@code true}, {@code false} and {@code null} never occur
 * in a valid header and are refused, as are duplicate keys, nesting deeper than a header needs,
 * and anything after the root object but the spaces writers pad it with.
 *
 * <p>Why by hand: the runtime has no dependency but the DSL, and a general JSON library would add
 * more code than this whole subset (about 200 lines) while accepting inputs the format forbids;
 * refusing them here gives each one a named error.
 */
final class HeaderJson {
    /** A header needs three levels (root, tensor entry, shape); a little slack for metadata. */
    private static final int MAX_DEPTH = 8;

    private final String text;
    private final String where;
    private int at;

    private HeaderJson(String text, String where) {
        this.text = text;
        this.where = where;
    }

    /** Parses {@code utf8} as one JSON object; {@code where} names the file in messages. */
    static Map<String, Object> parseObject(byte[] utf8, String where) throws SafetensorsException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(Problem.MALFORMED_HEADER, where + ": the header is not valid UTF-8");
        }
        HeaderJson parser = new HeaderJson(text, where);
        parser.skipSpace();
        if (parser.peek() != '{') {
            throw parser.malformed("the header must be a JSON object starting with '{'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) parser.value(0);
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.malformed("unexpected text after the header's closing '}'");
        }
        return root;
    }

    private Object value(int depth) throws SafetensorsException {
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
        throw malformed(c == 0 ? "the header ends where a value is expected"
                : "unexpected '" + c + "' (a safetensors header holds only objects, arrays, strings and integers)");
    }

    private Map<String, Object> object(int depth) throws SafetensorsException {
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
            int keyAt = at;
            String key = string();
            skipSpace();
            expect(':');
            Object member = value(depth + 1);
            if (members.containsKey(key)) {
                throw new SafetensorsException(Problem.DUPLICATE_KEY,
                        where + ": the header names \"" + key + "\" twice (second time at character " + keyAt + ")");
            }
            members.put(key, member);
            skipSpace();
            if (peek() == ',') {
                at++;
            } else if (peek() == '}') {
                at++;
                return members;
            } else {
                throw malformed("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) throws SafetensorsException {
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
            if (peek() == ',') {
                at++;
            } else if (peek() == ']') {
                at++;
                return items;
            } else {
                throw malformed("expected ',' or ']' in an array");
            }
        }
    }

    private String string() throws SafetensorsException {
        at++; // '"'
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw malformed("a string is not closed");
            }
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
    }

    private char hexChar() throws SafetensorsException {
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

    /** An integer without fraction or exponent, in the range of a long. */
    private Long integer() throws SafetensorsException {
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
        if (text.charAt(digits) == '0' && at - digits > 1) {
            throw malformed("a number with a leading zero");
        }
        char next = peek();
        if (next == '.' || next == 'e' || next == 'E') {
            throw malformed("a number that is not an integer (a header's shapes and offsets are integers)");
        }
        try {
            return Long.parseLong(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw malformed("the integer " + text.substring(start, at) + " is out of range");
        }
    }

    private void expect(char c) throws SafetensorsException {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        at++;
    }

    /** The next character, or 0 at the end. */
    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private SafetensorsException malformed(String what) {
        return new SafetensorsException(Problem.MALFORMED_HEADER,
                where + ": the header is not valid JSON: " + what + " at character " + at);
    }

    /** {@code value} as a JSON string with the escapes serde_json (the reference writer) uses. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
