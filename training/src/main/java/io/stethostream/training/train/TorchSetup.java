package io.stethostream.training.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses where training runs: DJL picks the GPU when its libtorch build finds one (see the README for pointing DJL
 * at a CUDA libtorch) and the CPU otherwise. Thread counts must be set before the engine loads.
 */
public final class TorchSetup {

    private TorchSetup() {
    }

    /** Sets libtorch's thread counts (0: all cores) and returns a one-line description of the device. */
    public static String configure(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        Device device = engine.defaultDevice();
        return device.isGpu() ? "GPU " + device + " (" + engine.getGpuCount() + " visible), libtorch "
                + engine.getVersion() : "CPU, " + n + " threads, libtorch " + engine.getVersion();
    }
}
