package io.stethostream.onnx.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.onnx.export.AstOnnxExporter;
import io.stethostream.onnx.export.TestModels;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.TorchSetup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inference speed: ONNX Runtime against DJL's forward pass of the same weights, in the same process, per window
 * (batch 1) and in batches, for both graphs the exporter writes (standard operators and fused attention); plus the
 * arithmetic rate reached against this machine's measured matrix-multiply rate.
 *
 * <p>The three are timed in turns ({@value #ROUNDS} rounds of DJL, standard, fused, each for a third of
 * {@code --min-seconds}) and each reported as the median of its rounds, so that load from other processes falls on
 * all three alike; the load average is printed with every row. For the shipped case the shipped file itself (its own
 * graph and weights) is timed at batch 1 in the same turns.
 *
 * <p>Run by {@code scripts/bench-inference}. Options: {@code --threads N} (default 2), {@code --min-seconds S} (default
 * 3), {@code --model FILE} (default models/stethostream-ast-tiny-d4-w4.onnx: its architecture, with random weights, since
 * speed does not depend on the values), {@code --only shipped,tiny,base}, {@code --batch B} (only this batch size),
 * {@code --cpu-time}: time by the CPU time of the calling thread instead of the clock, only with {@code --threads 1}
 * (where both engines compute in the calling thread): a comparison that other processes on the machine disturb much
 * less.
 */
public final class InferenceBenchmark {

    private record Case(String name, AstConfig config, FeatureSpec spec, int[] batches, Path file) {
    }

    private static final int ROUNDS = 3;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static boolean cpuTime;

    public static void main(String[] args) throws Exception {
        int threads = 2;
        double minSeconds = 3;
        Path shipped = Path.of("models/stethostream-ast-tiny-d4-w4.onnx");
        List<String> only = List.of("shipped", "tiny", "base");
        int batch = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[++i]);
                case "--model" -> shipped = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--cpu-time" -> cpuTime = true;
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (cpuTime && threads != 1) {
            throw new IllegalArgumentException("--cpu-time needs --threads 1");
        }
        System.out.println("threads: " + threads + "; " + TorchSetup.configure(threads)
                + (cpuTime ? "; times are CPU time of the calling thread" : "; times are wall-clock"));
        double peak = matmulPeakGflops(minSeconds);
        System.out.printf(Locale.ROOT, "matrix multiply (1024 x 1024 x 1024 float32, libtorch, %d threads): %.1f GFLOP/s%n",
                threads, peak);

        FeatureSpec paper = FeatureSpec.PATCH_MIX;
        List<Case> cases = new ArrayList<>();
        if (only.contains("shipped")) {
            try (OnnxModel m = OnnxModel.open(shipped, new OnnxModel.Options(1, OnnxModel.Device.CPU))) {
                AstConfig cfg = new ObjectMapper().readValue(m.metadata().modelConfigJson(), AstConfig.class);
                cases.add(new Case("shipped (" + shipped.getFileName() + ")", cfg, m.featureSpec(), new int[] {1, 8, 32},
                        shipped));
            }
        }
        if (only.contains("tiny")) {
            cases.add(new Case("tiny", AstConfig.preset("tiny", 10, paper.targetFrames()), paper, new int[] {1, 8, 32},
                    null));
        }
        if (only.contains("base")) {
            cases.add(new Case("base", AstConfig.preset("base", 10, paper.targetFrames()), paper, new int[] {1, 8},
                    null));
        }
        System.out.println("model | batch | DJL ms/window | ORT standard ms/window | ORT fused ms/window | "
                + "speed-up standard | speed-up fused | fused windows/s | GFLOP/window | fused GFLOP/s executed "
                + "(% of matmul rate) | load average");
        Path dir = Files.createTempDirectory("bench-inference");
        OnnxModel.Options options = new OnnxModel.Options(threads, OnnxModel.Device.CPU);
        for (Case c : cases) {
            Path standardFile = dir.resolve(c.config.dim() + "-" + c.config.depth() + "-standard.onnx");
            Path fusedFile = dir.resolve(c.config.dim() + "-" + c.config.depth() + "-fused.onnx");
            try (NDManager manager = NDManager.newBaseManager()) {
                AstModel model = TestModels.randomModel(manager, c.config, 1);
                AstOnnxExporter.export(model, c.spec, TestModels.description(), false,
                        AstOnnxExporter.Operators.STANDARD, standardFile);
                AstOnnxExporter.export(model, c.spec, TestModels.description(), false,
                        AstOnnxExporter.Operators.FUSED, fusedFile);
                try (OnnxModel standard = OnnxModel.open(standardFile, options);
                     OnnxModel fused = OnnxModel.open(fusedFile, options);
                     OnnxModel asShipped = c.file == null ? null : OnnxModel.open(c.file, options)) {
                    double gflop = flopsPerWindow(c.config) / 1e9;
                    double executed = flopsExecuted(c.config) / 1e9;
                    for (int b : batch > 0 ? new int[] {batch} : c.batches) {
                        float[] x = TestModels.randomInput(b, c.config, b);
                        List<Runnable> runs = new ArrayList<>(List.of(() -> djlForward(model, manager, x, b),
                                () -> standard.predict(x, b), () -> fused.predict(x, b)));
                        if (asShipped != null && b == 1) {
                            runs.add(() -> asShipped.predict(x, b));
                        }
                        double[] t = timeInTurns(runs, minSeconds);
                        double djl = t[0] / b;
                        double std = t[1] / b;
                        double fus = t[2] / b;
                        System.out.printf(Locale.ROOT, "%s | %d | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.1f | %.2f | "
                                        + "%.1f (%.0f%%) | %.2f%n",
                                c.name, b, djl * 1e3, std * 1e3, fus * 1e3, djl / std, djl / fus, 1 / fus, gflop,
                                executed / fus, 100 * executed / fus / peak, load());
                        if (runs.size() > 3) {
                            System.out.printf(Locale.ROOT, "%s as shipped (its own graph and weights) | 1 | "
                                    + "ORT %.1f ms (%.2fx DJL)%n", c.file, t[3] * 1e3, djl / t[3]);
                        }
                    }
                }
            }
            Files.deleteIfExists(standardFile);
            Files.deleteIfExists(fusedFile);
        }
        Files.deleteIfExists(dir);
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Seconds per call of each, as the median of {@value #ROUNDS} turns in which each runs in turn. */
    private static double[] timeInTurns(List<Runnable> runs, double minSeconds) {
        double[][] t = new double[runs.size()][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < runs.size(); i++) {
                t[i][r] = time(runs.get(i), minSeconds / ROUNDS);
            }
        }
        double[] median = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            java.util.Arrays.sort(t[i]);
            median[i] = t[i][ROUNDS / 2];
        }
        return median;
    }

    /**
     * Multiply-adds of the patch embedding and the blocks, times two, as DJL computes them; norms, softmax and the head
     * are left out.
     */
    static double flopsPerWindow(AstConfig c) {
        double n = c.patches() + 2.0;
        double d = c.dim();
        double embed = c.patches() * 256.0 * d;
        double block = 12 * n * d * d + 2 * n * n * d;
        return 2 * (embed + c.depth() * block);
    }

    /**
     * The same count for the exported graph, whose last block computes only the two prefix tokens: keys and values of
     * all tokens, the rest for two.
     */
    static double flopsExecuted(AstConfig c) {
        double n = c.patches() + 2.0;
        double d = c.dim();
        double block = 12 * n * d * d + 2 * n * n * d;
        double last = 2 * n * d * d + 2 * (10 * d * d + 2 * n * d);
        return flopsPerWindow(c) - 2 * block + 2 * last;
    }

    private static void djlForward(AstModel model, NDManager manager, float[] x, int b) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = manager.newSubManager()) {
            NDArray in = step.create(x, model.inputShape(b));
            NDList out = model.forward(new ParameterStore(step, false), new NDList(in), false);
            out.get(0).toFloatArray(); // force the computation and the copy out, as ONNX Runtime's result has it
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static double matmulPeakGflops(double minSeconds) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
            double s = time(() -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
            }, minSeconds);
            return 2.0 * 1024 * 1024 * 1024 / s / 1e9;
        }
    }

    /**
     * Seconds per call: one warm-up call, then calls until {@code minSeconds} and at least 3 calls have passed; with
     * --cpu-time, the calling thread's CPU seconds per call.
     */
    private static double time(Runnable r, double minSeconds) {
        r.run();
        int n = 0;
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long elapsed;
        do {
            r.run();
            n++;
            elapsed = System.nanoTime() - start;
        } while (n < 3 || elapsed < minSeconds * 1e9);
        if (cpuTime) {
            return (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9 / n;
        }
        return elapsed / 1e9 / n;
    }
}
