package io.stethostream.training.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchSetupTest {

    @Test
    void choosesOnceAndPrintsWhatItChose() {
        String description = TorchSetup.configure(1);
        Device device = TorchSetup.device();
        assertSame(device, TorchSetup.device(), "chosen once");
        assertEquals(device.isGpu(), description.startsWith("GPU "), description);
        assertTrue(description.contains("libtorch " + Engine.getEngine("PyTorch").getVersion()), description);
        if (!Engine.getEngine("PyTorch").hasCapability(StandardCapabilities.CUDA)) {
            assertEquals(Device.cpu(), device, "a libtorch without CUDA trains on the CPU");
            assertTrue(description.startsWith("CPU, "), description);
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.ones(new ai.djl.ndarray.types.Shape(2)).mul(3);
            assertEquals(device, a.getDevice());
            assertEquals(6f, a.sum().getFloat());
        }
    }
}
