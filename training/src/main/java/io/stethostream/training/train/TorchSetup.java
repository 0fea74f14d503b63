package io.stethostream.training.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Chooses where training runs: the GPU when the loaded libtorch finds one (see the README for pointing DJL at a CUDA
 * libtorch), the CPU otherwise. Thread counts must be set before the engine loads.
 *
 * <p>DJL's own default device counts GPUs through the CUDA runtime (libcudart) that JNA finds on the system library
 * path; a libtorch that reaches its CUDA runtime only through its own RPATH (a pip-installed torch, for one) is then
 * left on the CPU although it can use the GPU. So when DJL's default is the CPU but the libtorch was built with CUDA,
 * {@link #device()} puts one small tensor on the first GPU and takes the GPU if that works.
 */
public final class TorchSetup {

    private static Device chosen;
    private static String note = "";

    private TorchSetup() {
    }

    /** Sets libtorch's thread counts (0: all cores) and returns a one-line description of the device. */
    public static String configure(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        Device device = device();
        return device.isGpu() ? "GPU " + device + " (" + note + "), libtorch " + engine.getVersion()
                : "CPU, " + n + " threads, libtorch " + engine.getVersion() + (note.isEmpty() ? "" : " (" + note + ")");
    }

    /**
     * The device to train on, chosen once: DJL's default device when that is a GPU; else the first GPU when the
     * libtorch has CUDA and can allocate there; else the CPU.
     */
    public static synchronized Device device() {
        if (chosen == null) {
            chosen = choose(Engine.getEngine("PyTorch"));
        }
        return chosen;
    }

    private static Device choose(Engine engine) {
        Device byDjl = engine.defaultDevice();
        if (byDjl.isGpu()) {
            note = engine.getGpuCount() + " visible";
            return byDjl;
        }
        if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            return Device.cpu();
        }
        Device gpu = Device.gpu();
        try (NDManager probe = engine.newBaseManager(gpu)) {
            probe.zeros(new Shape(1)).toFloatArray();
            note = "found by libtorch; DJL's libcudart lookup found none";
            return gpu;
        } catch (RuntimeException e) {
            note = "libtorch has CUDA but cannot use " + gpu + ": " + e.getMessage();
            return Device.cpu();
        }
    }
}
