package dev.kiln.processor.generate;

import com.palantir.javapoet.NameAllocator;
import java.util.Locale;

/**
 * Every identifier of a generated class that derives from a user's layer name, allocated so none
 * clashes with another or with the fixed names the generated code uses. Members (fields, locals)
 * share one namespace; constants another.
 */
final class Names {
    /** Names the generated methods use for their own parameters and locals, and inherited members. */
    private static final String[] RESERVED_MEMBERS = {
        "ws", "x", "xOff", "rows", "first", "training", "grads", "r", "seed", "threads", "capacity",
        "kernels"
    };
    private static final String[] RESERVED_CONSTANTS = {"INFO", "ARCHITECTURE", "SUMMARY"};

    private final NameAllocator members = new NameAllocator();
    private final NameAllocator constants = new NameAllocator();

    Names() {
        for (String name : RESERVED_MEMBERS) {
            members.newName(name, "reserved:" + name);
        }
        for (String name : RESERVED_CONSTANTS) {
            constants.newName(name, "reserved:" + name);
        }
    }

    /** A field or local named as suggested ("conv1Weight", "dConv1"), or with a suffix if that is taken. */
    String member(String suggestion) {
        return members.newName(suggestion);
    }

    /** A constant: "conv1" + "_IN" gives "CONV1_IN". */
    String constant(String layerName, String suffix) {
        return constants.newName(upperSnake(layerName) + suffix);
    }

    static String capitalize(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** "conv1" -> "CONV1", "firstConv" -> "FIRST_CONV". */
    static String upperSnake(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(name.charAt(i - 1)) && name.charAt(i - 1) != '_') {
                out.append('_');
            }
            out.append(c);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
