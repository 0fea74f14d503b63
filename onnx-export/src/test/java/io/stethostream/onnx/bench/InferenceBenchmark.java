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
 * (batch 1) and in batches; plus the arithmetic rate reached against this machine's measured matrix-multiply rate.
 *
 * <p>Run by {@code scripts/bench-inference}. Options: {@code --threads N} (default 2), {@code --min-seconds S} (default
 * 3), {@code --model FILE} (default models/stethostream-ast-tiny-d4.onnx: its architecture, with random weights, since
 * speed does not depend on the values), {@code --only shipped,tiny,base}.
 */
public final class InferenceBenchmark {

    private record Case(String name, AstConfig config, FeatureSpec spec, int[] batches) {
    }

    public static void main(String[] args) throws Exception {
        int threads = 2;
        double minSeconds = 3;
        Path shipped = Path.of("models/stethostream-ast-tiny-d4.onnx");
        List<String> only = List.of("shipped", "tiny", "base");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[++i]);
                case "--model" -> shipped = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("threads: " + threads + "; " + TorchSetup.configure(threads));
        double peak = matmulPeakGflops(minSeconds);
        System.out.printf(Locale.ROOT, "matrix multiply (1024 x 1024 x 1024 float32, libtorch, %d threads): %.1f GFLOP/s%n",
                threads, peak);

        FeatureSpec paper = FeatureSpec.PATCH_MIX;
        List<Case> cases = new ArrayList<>();
        if (only.contains("shipped")) {
            try (OnnxModel m = OnnxModel.open(shipped, new OnnxModel.Options(1, OnnxModel.Device.CPU))) {
                AstConfig cfg = new ObjectMapper().readValue(m.metadata().modelConfigJson(), AstConfig.class);
                cases.add(new Case("shipped (" + shipped.getFileName() + ")", cfg, m.featureSpec(), new int[] {1, 8, 32}));
            }
        }
        if (only.contains("tiny")) {
            cases.add(new Case("tiny", AstConfig.preset("tiny", 10, paper.targetFrames()), paper, new int[] {1, 8, 32}));
        }
        if (only.contains("base")) {
            cases.add(new Case("base", AstConfig.preset("base", 10, paper.targetFrames()), paper, new int[] {1, 8}));
        }
        System.out.println("model | batch | DJL ms/window | ONNX Runtime ms/window | speed-up | ORT windows/s | "
                + "GFLOP/window | ORT GFLOP/s | % of matmul rate");
        Path dir = Files.createTempDirectory("bench-inference");
        for (Case c : cases) {
            Path file = dir.resolve(c.config.dim() + "-" + c.config.depth() + ".onnx");
            try (NDManager manager = NDManager.newBaseManager()) {
                AstModel model = TestModels.randomModel(manager, c.config, 1);
                AstOnnxExporter.export(model, c.spec, TestModels.description(), false, file);
                try (OnnxModel onnx = OnnxModel.open(file, new OnnxModel.Options(threads, OnnxModel.Device.CPU))) {
                    double gflop = flopsPerWindow(c.config) / 1e9;
                    for (int b : c.batches) {
                        float[] x = TestModels.randomInput(b, c.config, b);
                        double djl = time(() -> djlForward(model, manager, x, b), minSeconds) / b;
                        double ort = time(() -> onnx.predict(x, b), minSeconds) / b;
                        System.out.printf(Locale.ROOT, "%s | %d | %.1f | %.1f | %.2fx | %.1f | %.2f | %.1f | %.0f%%%n",
                                c.name, b, djl * 1e3, ort * 1e3, djl / ort, 1 / ort, gflop, gflop / ort,
                                100 * gflop / ort / peak);
                    }
                }
            }
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(dir);
    }

    /** Multiply-adds of the patch embedding and the blocks, times two; norms, softmax and the head are left out. */
    static double flopsPerWindow(AstConfig c) {
        double n = c.patches() + 2.0;
        double d = c.dim();
        double embed = c.patches() * 256.0 * d;
        double block = 12 * n * d * d + 2 * n * n * d;
        return 2 * (embed + c.depth() * block);
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

    /** Seconds per call: one warm-up call, then calls until {@code minSeconds} and at least 3 calls have passed. */
    private static double time(Runnable r, double minSeconds) {
        r.run();
        int n = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            r.run();
            n++;
            elapsed = System.nanoTime() - start;
        } while (n < 3 || elapsed < minSeconds * 1e9);
        return elapsed / 1e9 / n;
    }
}
