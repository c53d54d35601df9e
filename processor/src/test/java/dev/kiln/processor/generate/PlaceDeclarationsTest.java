package dev.kiln.processor.generate;

import static dev.kiln.dsl.Activation.NONE;
import static dev.kiln.dsl.Activation.RELU;
import static dev.kiln.dsl.Padding.EXPLICIT;
import static dev.kiln.dsl.Padding.SAME;
import static dev.kiln.processor.model.LayerSpec.PoolKind.MAX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.model.NetworkModel;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A loop over examples declares the places it reads or writes activations at ({@link
 * LayerEmitter#SLOT}, {@link LayerEmitter#SCRATCH}), and no other: in a group of examples each layer
 * that takes several at once starts a loop of its own, and those loops name different places.
 */
class PlaceDeclarationsTest {

    /**
     * VGG's pattern: two grouped convolutions, then a pooling. The first one's output is read by the
     * second in the next loop (at the slot); the second's only by the pooling, in its own loop (at
     * the scratch place): the first loop writes no scratch output, and declared the place all the same.
     */
    private static final NetworkModel TWO_CONVOLUTIONS_THEN_POOL = new NetBuilder("TwoConvolutionsThenPool", 16, 8, 8)
            .conv("first", 16, 3, 3, 1, SAME, 0, RELU)
            .conv("second", 16, 3, 3, 1, SAME, 0, RELU)
            .pool("pool", MAX, 2, 0, EXPLICIT, 0)
            .dense("logits", 3, NONE)
            .build();

    private static final Pattern DECLARATION = Pattern.compile("int (slot|scratch) = ");

    @Test
    void everyDeclaredPlaceIsUsedInItsLoop() {
        List<NetworkModel> networks = Stream.concat(Stream.of(TWO_CONVOLUTIONS_THEN_POOL, TestNetworks.WINOGRAD_GROUPS),
                TestNetworks.ALL.stream()).toList();
        int declarations = 0;
        for (NetworkModel network : networks) {
            String source = ModelFileGenerator.generate(network, null).toString();
            List<String> unused = unusedPlaces(source);
            assertTrue(unused.isEmpty(), network.className() + " declares places it never names: " + unused + "\n" + source);
            declarations += DECLARATION.matcher(source).results().count();
        }
        assertTrue(declarations > 0, "no network declared a place: the test would pass on anything");
    }

    @Test
    void theLoopsOfTwoConvolutionsNameTheirOwnPlaces() {
        String source = ModelFileGenerator.generate(TWO_CONVOLUTIONS_THEN_POOL, null).toString();
        // The first loop writes its output at the slot; the second reads it there and writes at the scratch place.
        assertEquals(List.of("slot", "slot+scratch"), loopsDeclaring(source), source);
    }

    /** The places declared at the top of a loop but named nowhere else in it, "name at line n". */
    private static List<String> unusedPlaces(String source) {
        List<String> unused = new ArrayList<>();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher declared = DECLARATION.matcher(lines[i]);
            if (declared.find() && !namedInLoop(lines, i, declared.group(1))) {
                unused.add(declared.group(1) + " at line " + (i + 1));
            }
        }
        return unused;
    }

    /** Whether name is used after line at, up to the end of the loop the line is in. */
    private static boolean namedInLoop(String[] lines, int at, String name) {
        Pattern use = Pattern.compile("\\b" + name + " \\*");
        int depth = 0;
        for (int j = at + 1; j < lines.length && depth >= 0; j++) {
            if (use.matcher(lines[j]).find()) {
                return true;
            }
            depth += count(lines[j], '{') - count(lines[j], '}');
        }
        return false;
    }

    /** For each loop of the forward pass that declares places, which ones, in order ("slot+scratch"). */
    private static List<String> loopsDeclaring(String source) {
        List<String> loops = new ArrayList<>();
        for (String loop : source.split("for \\(int r = ")) {
            List<String> names = new ArrayList<>();
            String head = loop.lines().limit(6).reduce("", (a, b) -> a + "\n" + b);
            Matcher declared = DECLARATION.matcher(head);
            while (declared.find()) {
                names.add(declared.group(1));
            }
            if (!names.isEmpty()) {
                loops.add(String.join("+", names));
            }
        }
        return loops;
    }

    private static int count(String line, char c) {
        return (int) line.chars().filter(ch -> ch == c).count();
    }
}
