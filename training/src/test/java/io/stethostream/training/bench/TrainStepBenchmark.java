package io.stethostream.training.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.cuda.CudaUtils;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.AdamL2;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.Losses;
import io.stethostream.training.train.Mixing;
import io.stethostream.training.train.TorchSetup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times one training step of the DJL model exactly as {@code TrainingRun} takes it (forward(s), loss, backward, Adam
 * with L2 and post-step averaging) on a fixed random batch, like training/src/test/python/bench_step_torch.py does for
 * PyTorch. Usage (scripts/bench-training runs both; scripts/gpu-check on a CUDA machine):
 * {@code TrainStepBenchmark [--preset tiny|small|base] [--dim 192] [--depth 4] [--heads 3] [--stride 10]
 * [--frames 798] [--batch 8] [--steps 10] [--warmup 2] [--threads 0] [--method patchmix-cl|ce]}
 * <p>{@code --preset} takes D, depth and heads from {@link AstConfig#preset} (base: D=768, depth 12, 12 heads, the
 * paper's size); {@code --dim/--depth/--heads} given as well override it, whatever their order. The device is the one
 * {@link TorchSetup#device()} picks (GPU when libtorch finds one) and is printed; on a GPU every step ends by copying
 * a weight back to the host, so the time covers the step's kernels and not only their launch.
 */
public final class TrainStepBenchmark {

    public static void main(String[] args) throws Exception {
        Integer dim = null, depth = null, heads = null;
        int stride = 10, frames = 798, batch = 8, steps = 10, warmup = 2;
        int threads = 0;
        String method = "patchmix-cl";
        String preset = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--preset" -> preset = v;
                case "--dim" -> dim = Integer.parseInt(v);
                case "--depth" -> depth = Integer.parseInt(v);
                case "--heads" -> heads = Integer.parseInt(v);
                case "--stride" -> stride = Integer.parseInt(v);
                case "--frames" -> frames = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--method" -> method = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --steps >= 1 and --warmup >= 0");
        }
        AstConfig base = preset == null ? new AstConfig("custom", 192, 4, 3, stride, 128, frames, 4)
                : AstConfig.preset(preset, stride, frames);
        AstConfig cfg = new AstConfig(dim == null && depth == null && heads == null ? base.preset() : "custom",
                dim != null ? dim : base.dim(), depth != null ? depth : base.depth(),
                heads != null ? heads : base.heads(), stride, 128, frames, 4);
        String deviceInfo = TorchSetup.configure(threads);
        Device device = TorchSetup.device();
        System.out.println("device: " + deviceInfo);
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AstModel model = new AstModel(cfg);
            model.initialize(manager, DataType.FLOAT32, model.inputShape(batch));
            Checkpoints.enableGradients(model);
            long params = model.getParameters().values().stream().filter(p -> p.requiresGradient())
                    .mapToLong(p -> p.getArray().size()).sum();
            AdamL2 adam = new AdamL2(model.getParameters(), manager, 1e-6, 0.5);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(model.inputShape(batch));
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = i % 4;
            }
            Random random = new Random(0);
            double[] times = new double[steps];
            double first = 0;
            double last = 0;
            for (int s = 0; s < warmup + steps; s++) {
                long t0 = System.nanoTime();
                double loss;
                try (NDManager step = manager.newSubManager()) {
                    NDArray in = x.duplicate();
                    in.attach(step);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = method.equals("patchmix-cl")
                                ? Losses.patchMixClObjective(model, ps, in, labels,
                                        Mixing.patchMix(cfg, batch, random), 0.06, 1.0, null)
                                : Losses.crossEntropy(model.logits(ps, in, model.features(ps, in, null, true), true),
                                        labels, null);
                        loss = l.getFloat();
                        gc.backward(l);
                    }
                    adam.step(5e-5);
                    if (device.isGpu()) {
                        waitForDevice(model);
                    }
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (s == 0) {
                    first = loss;
                }
                last = loss;
                if (s >= warmup) {
                    times[s - warmup] = sec;
                }
            }
            Arrays.sort(times);
            double median = times[steps / 2];
            System.out.printf(Locale.ROOT, "DJL %s step (%s): D=%d depth=%d heads=%d stride=%d tokens=%d batch=%d, %d "
                            + "trainable parameters, %s%n", method, cfg.preset(), cfg.dim(), cfg.depth(), cfg.heads(),
                    stride, cfg.patches() + 2, batch, params, deviceInfo);
            System.out.printf(Locale.ROOT, "  median %.3f s/step (min %.3f, max %.3f over %d steps), %.2f samples/s,"
                            + " peak RSS %d MB, loss %.4f -> %.4f%n", median, times[0], times[steps - 1], steps,
                    batch / median, peakRssMb(), first, last);
            if (device.isGpu()) {
                System.out.println("  GPU memory in use at the end: " + gpuMemory(device));
            }
        }
    }

    /** CUDA kernels run asynchronously: copying one weight to the host waits until all queued work is done. */
    private static void waitForDevice(AstModel model) {
        NDArray w = model.getParameters().valueAt(0).getArray();
        try (NDManager scratch = w.getManager().newSubManager()) {
            NDArray flat = w.reshape(-1);
            flat.attach(scratch);
            flat.get(0).getFloat();
        }
    }

    /** Device memory in use (cudaMemGetInfo: all of the device, libtorch's cached blocks included), if DJL can tell. */
    private static String gpuMemory(Device device) {
        try {
            return CudaUtils.getGpuMemory(device).getCommitted() / (1024 * 1024) + " MB of the whole device "
                    + "(cudaMemGetInfo, includes libtorch's cache)";
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    private static long peakRssMb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
