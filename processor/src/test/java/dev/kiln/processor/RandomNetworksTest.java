package dev.kiln.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random networks, valid and invalid, through javac and the processor in batches:
 * none crashes it; each invalid one has exactly its one error, on the faulty line, with the
 * expected key; each valid one has no error, the shapes and parameter counts computed
 * independently by {@link RandomNetworks}, and a floor warning exactly where one is due.
 */
class RandomNetworksTest {

    private static final int NETWORKS = 3000;
    private static final int PER_COMPILATION = 500;
    private static final long SEED = Long.getLong("kiln.randomSeed", 20_26_11_01L);
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(l\\d+)\\s+(?:\\S+)\\s+(\\S+)\\s+([\\d,]+)\\s+([\\d,]+)$", Pattern.MULTILINE);

    @Test
    void randomNetworksAreCheckedExactlyLikeTheReference() {
        RandomNetworks generator = new RandomNetworks(SEED);
        int invalid = 0;
        for (int batch = 0; batch < NETWORKS / PER_COMPILATION; batch++) {
            Map<String, RandomNetworks.Case> cases = new HashMap<>();
            List<JavaFileObject> sources = new ArrayList<>();
            for (int i = 0; i < PER_COMPILATION; i++) {
                String name = "N" + batch + "_" + i;
                RandomNetworks.Case c = generator.next(name, i % 2 == 0);
                invalid += c.valid() ? 0 : 1;
                cases.put(name, c);
                sources.add(JavaFileObjects.forSourceString("r." + name, c.source()));
            }
            Compilation compilation = ProcessorCompiler.compile(sources, true);
            check(cases, compilation);
        }
        assertEquals(NETWORKS / 2, invalid);
    }

    private static void check(Map<String, RandomNetworks.Case> cases, Compilation compilation) {
        Map<String, List<Diagnostic<? extends JavaFileObject>>> byClass = new HashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            String message = d.getMessage(null);
            assertTrue(!message.contains("[Kiln/InternalError]"), message);
            if (d.getSource() == null) {
                continue;
            }
            String file = d.getSource().toUri().getPath();
            String name = file.substring(file.lastIndexOf('/') + 1, file.length() - ".java".length());
            byClass.computeIfAbsent(name, n -> new ArrayList<>()).add(d);
        }
        for (RandomNetworks.Case c : cases.values()) {
            List<Diagnostic<? extends JavaFileObject>> found = byClass.getOrDefault(c.className(), List.of());
            List<Diagnostic<? extends JavaFileObject>> errors = found.stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
            if (c.valid()) {
                checkValid(c, found, errors);
            } else {
                if (errors.size() != 1 || errors.get(0).getLineNumber() != c.errorLine()
                        || !errors.get(0).getMessage(null).startsWith("[Kiln/" + c.errorKey() + "]")) {
                    fail("expected one [Kiln/" + c.errorKey() + "] on line " + c.errorLine() + " of\n" + c.source()
                            + "\nbut got " + describe(errors));
                }
            }
        }
    }

    private static void checkValid(RandomNetworks.Case c, List<Diagnostic<? extends JavaFileObject>> found,
                                   List<Diagnostic<? extends JavaFileObject>> errors) {
        if (!errors.isEmpty()) {
            fail("valid network rejected:\n" + c.source() + "\n" + describe(errors));
        }
        String summary = found.stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null)).filter(m -> m.contains("[Kiln/Summary]")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary for\n" + c.source()));
        Matcher row = ROW.matcher(summary);
        for (int i = 0; i < c.layers().size(); i++) {
            RandomNetworks.Line expected = c.layers().get(i);
            assertTrue(row.find(), () -> "summary too short:\n" + summary + "\n" + c.source());
            String context = "layer l" + row.group(1) + " of\n" + c.source() + "\n" + summary;
            assertEquals(expected.shape(), row.group(2), context);
            assertEquals(expected.params(), Long.parseLong(row.group(3).replace(",", "")), context);
            int line = RandomNetworks.Case.lineOf(i);
            boolean warned = found.stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.WARNING
                    && d.getLineNumber() == line && d.getMessage(null).startsWith("[Kiln/DroppedInput]"));
            assertEquals(expected.warns(), warned, "floor warning on line " + line + " of\n" + c.source());
        }
    }

    private static String describe(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
            out.append("line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
        }
        return out.toString();
    }
}
