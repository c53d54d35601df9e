package dev.kiln.processor.generate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Training computes only the outputs of a convolution that the pooling after it reads: where the
 * pool's windows floor away its last rows or columns, the generated model trains on geometries
 * without them, and predicts on the whole. (GeneratedModelTest checks such models' gradients.)
 */
class TrainingTrimTest {

    @Test
    void aFlooredPoolTrimsTheConvolutionBeforeIt() {
        String source = ModelFileGenerator.generate(TestNetworks.CONV_DENSE, null).toString();
        // conv: 3x9x8 -> 4x9x8, SAME 3x3; pool: 2x2 stride 2 floored, reading 8 of the 9 rows.
        assertTrue(source.contains("CONV_TRAINING = new ConvGeometry(3, 9, 8, 4, 3, 3, 1, 1, 1, 8, 8);"), source);
        assertTrue(source.contains("POOL_TRAINING = new PoolGeometry(4, 8, 8, 2, 2, 2, 0, 0, 4, 4);"), source);
        assertTrue(source.contains("kernels.convBackwardWeights(CONV_TRAINING, rows,"), source);
        assertTrue(source.contains("kernels.convInferencePacked(CONV, "), "a prediction computes every output");
        assertTrue(source.contains("PoolGeometry poolGeometry = training ? POOL_TRAINING : POOL;"), source);
    }

    @Test
    void aPoolThatReadsEveryRowTrimsNothing() {
        String source = ModelFileGenerator.generate(TestNetworks.RELU_OVERLAP_POOL, null).toString();
        assertFalse(source.contains("_TRAINING"), source);
    }
}
