package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Maven XML is the example project's build: every {@code xml} block of README.md is
 * one of the regions that examples/fashion-classifier/pom.xml marks with {@code <!-- README name -->}
 * and {@code <!-- end README -->}, and every such region is in the README. CI builds and runs that
 * project (./kiln test), so what the README tells a user to paste has been built.
 */
class ReadmeSnippetsTest {
    static final String EXAMPLE_POM = "examples/fashion-classifier/pom.xml";
    private static final Pattern XML_BLOCK = Pattern.compile("^```xml\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern POM_REGION = Pattern.compile(
            "^[ \\t]*<!-- README (\\S+) -->\\n(.*?)^[ \\t]*<!-- end README -->$", Pattern.DOTALL | Pattern.MULTILINE);

    @Test
    void everyXmlBlockOfTheReadmeIsARegionOfTheExamplePom() throws IOException {
        Path root = repositoryRoot();
        List<String> blocks = matches(XML_BLOCK, Files.readString(root.resolve("README.md")), 1);
        Map<String, String> regions = regions(Files.readString(root.resolve(EXAMPLE_POM)));
        assertFalse(regions.isEmpty(), EXAMPLE_POM + " marks no region for the README");

        for (String block : blocks) {
            assertTrue(regions.containsValue(dedent(block)), "README.md has an xml block that is not a marked region of "
                    + EXAMPLE_POM + " (regions: " + regions.keySet() + "):\n" + block);
        }
        List<String> dedented = blocks.stream().map(ReadmeSnippetsTest::dedent).toList();
        regions.forEach((name, region) -> assertTrue(dedented.contains(region),
                "README.md does not show the region \"" + name + "\" of " + EXAMPLE_POM + ":\n" + region));
    }

    @Test
    void regionsAreFoundWhateverTheirIndentation() {
        String pom = """
                <project>
                    <!-- README one -->
                    <a>
                      <b/>
                    </a>
                    <!-- end README -->
                  <!-- README two -->
                  <c/>
                  <!-- end README -->
                </project>
                """;
        assertEquals(Map.of("one", "<a>\n  <b/>\n</a>\n", "two", "<c/>\n"), regions(pom));
        assertEquals(List.of("<x/>\n", "  <y/>\n"), matches(XML_BLOCK, "text\n```xml\n<x/>\n```\n```sh\nls\n```\n```xml\n  <y/>\n```\n", 1));
        assertEquals("<y/>\n", dedent("  <y/>\n"));
    }

    /** Each region's name and its lines, without the indentation they share. */
    static Map<String, String> regions(String pom) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = POM_REGION.matcher(pom);
        while (m.find()) {
            String previous = regions.put(m.group(1), dedent(m.group(2)));
            assertEquals(null, previous, "two regions are named " + m.group(1));
        }
        return regions;
    }

    /**
     * The lines without the indentation all non-blank ones share. (String.stripIndent counts the
     * empty string after the last line break as a line with no indentation, so it strips nothing.)
     */
    static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int common = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(common)).append('\n');
        }
        return out.toString();
    }

    private static List<String> matches(Pattern pattern, String text, int group) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(group));
        }
        return found;
    }

    /** The folder above the tests' working folder (the module's) that holds README.md and the example. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve(EXAMPLE_POM))) {
                return dir;
            }
        }
        throw new IllegalStateException("no folder above " + Path.of("").toAbsolutePath() + " holds README.md and " + EXAMPLE_POM);
    }
}
