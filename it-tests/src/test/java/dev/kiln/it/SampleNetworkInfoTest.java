package dev.kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.networks.SeedNetworks;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The constant INFO of each generated sample describes the model it creates, so listing needs no model. */
class SampleNetworkInfoTest {

    @ParameterizedTest
    @EnumSource(value = SeedNetworks.class, names = {"VGG19", "ALEXNET"}, mode = EnumSource.Mode.EXCLUDE)
    void infoMatchesTheCreatedModel(SeedNetworks network) {
        ModelInfo info = network.info();
        try (Model model = network.create(3)) {
            assertEquals(model.parameters().stream().mapToLong(p -> p.size()).sum(), info.parameters(), "parameters");
            assertEquals(model.forwardFlops(), info.forwardFlops(), "forward FLOPs");
            assertEquals(model.summary(), info.summary(), "summary");
            assertEquals(model.architecture(), info.architecture(), "architecture");
            assertEquals(model.classes(), info.classes(), "classes");
        }
    }

    @Test
    void theLargeClassicsAreCountedWithoutCreatingThem() {
        assertEquals(143_667_240L, SeedNetworks.VGG19.info().parameters());   // VGG-19 with 1000 classes
        assertEquals(58_289_538L, SeedNetworks.ALEXNET.info().parameters());
    }
}
