package io.stethostream.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.TrainConfig;

import java.util.Random;

/** Small AST models with non-trivial random weights, and their DJL forward pass. */
public final class TestModels {

    /** 2 s windows: 198 frames. */
    public static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(2.0);


    private TestModels() {
    }

    public static AstConfig config(int dim, int depth, int heads, int stride) {
        return new AstConfig("custom", dim, depth, heads, stride, 128, SPEC.targetFrames(), 4);
    }

    public static TrainConfig trainConfig(AstConfig model) {
        return new TrainConfig("icbhi", "/data/icbhi", null, model, SPEC.windowSeconds(), "ce", 3, 8, 1e-4, 1e-6,
                1e-4, 0.0, 0.06, 1.0, 1.0, false, 0.1, 42L, 2, "default");
    }

    /**
     * A model initialised as training does, then every parameter moved by Gaussian noise (std 0.1) so that norms,
     * biases and the head all take part in the comparison (fresh biases are 0 and norms 1).
     */
    public static AstModel randomModel(NDManager manager, AstConfig cfg, long seed) {
        AstModel model = new AstModel(cfg);
        model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        Random r = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.1 * r.nextGaussian());
            }
            a.set(v);
        }
        return model;
    }

    public static float[] randomInput(int batch, AstConfig cfg, long seed) {
        Random r = new Random(seed);
        float[] x = new float[batch * cfg.frames() * cfg.melBins()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** DJL's [logits, pooled] for a batch, as flat arrays. */
    public static float[][] djlForward(AstModel model, float[] input, int batch) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(input, model.inputShape(batch));
            NDList out = model.forward(new ParameterStore(m, false), new NDList(x), false);
            return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
        }
    }

    public static AstOnnxExporter.Description description() {
        return new AstOnnxExporter.Description("test-ast", "0.0.1-test", "random weights (test)",
                "none: randomly initialised", null, null, null);
    }
}
