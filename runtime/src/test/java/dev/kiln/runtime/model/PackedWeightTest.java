package dev.kiln.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.kernels.ConvGeometry;
import dev.kiln.runtime.kernels.Kernels;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * A convolution's packed weight tells the generated model how many examples a prediction hands the
 * kernels at once; the model's workspace keeps places for at most {@link Kernels#MOST_INFERENCE_EXAMPLES}
 * of the outputs only a pooling reads, so kernels that ask for more get that many.
 */
class PackedWeightTest {
    private static final ConvGeometry GEOMETRY = new ConvGeometry(3, 9, 8, 4, 3, 3, 1, 1, 1, 9, 8);
    private final Parameter weight = new Parameter("conv.weight", new int[] {4, 3, 3, 3}, null, true, 0f);

    @Test
    void aPredictionGroupsAtMostTheExamplesAWorkspaceKeepsPlacesFor() {
        assertEquals(3, PackedWeight.conv(kernelsGrouping(3), weight, GEOMETRY).inferenceExamples());
        assertEquals(Kernels.MOST_INFERENCE_EXAMPLES,
                PackedWeight.conv(kernelsGrouping(Kernels.MOST_INFERENCE_EXAMPLES + 5), weight, GEOMETRY).inferenceExamples());
        assertEquals(1, PackedWeight.conv(kernelsGrouping(0), weight, GEOMETRY).inferenceExamples());
    }

    /** Kernels that ask for {@code examples} at once and pack nothing; a packed weight calls nothing else when made. */
    private static Kernels kernelsGrouping(int examples) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "convInferenceExamples" -> examples;
                    case "packedConvSize", "packedConvInferenceSize" -> 0;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
