package dev.kiln.processor.generate;

import static dev.kiln.dsl.Activation.NONE;
import static dev.kiln.dsl.Activation.RELU;
import static dev.kiln.dsl.Padding.EXPLICIT;
import static dev.kiln.dsl.Padding.SAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.Init;
import dev.kiln.processor.model.InitSpec;
import dev.kiln.processor.model.LayerSpec.PoolKind;
import dev.kiln.processor.model.NetworkModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The one check of exact generated source, to catch output that works but reads badly. After an
 * intended change, regenerate with {@code -Dkiln.updateGolden=true} and review the diff.
 */
class GoldenSourceTest {
    private static final String GOLDEN = "TinyCnnModel.java.golden";

    static final NetworkModel TINY_CNN = new NetBuilder("TinyCnn", 1, 8, 8)
            .conv("conv1", 4, 3, 3, 1, SAME, 0, RELU, new InitSpec(Init.TRUNCATED_NORMAL, 0.1, 0.1), 0, true)
            .pool("pool1", PoolKind.MAX, 2, 0, EXPLICIT, 0)
            .dense("fc1", 16, RELU, new InitSpec(Init.HE, 0, 0), 0, true)
            .dropout("drop1", 0.5)
            .dense("logits", 3, NONE)
            .build();

    @Test
    void generatedSourceIsAsReviewed() throws IOException {
        String source = ModelFileGenerator.generate(TINY_CNN, null).toString();
        if (Boolean.getBoolean("kiln.updateGolden")) {
            Path file = Path.of("src/test/resources/dev/kiln/processor/generate", GOLDEN);
            Files.writeString(file, source);
        }
        try (InputStream in = GoldenSourceTest.class.getResourceAsStream(GOLDEN)) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
        }
    }
}
