package io.stethostream.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.training.*;
import io.stethostream.training.model.*;

public class ScratchGrad {
    public static void main(String[] a) {
        AstConfig cfg = new AstConfig("custom", 64, 2, 2, 16, 128, 198, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(cfg);
            model.initialize(m, DataType.FLOAT32, model.inputShape(8));
            Checkpoints.enableGradients(model);
            AdamL2 opt = new AdamL2(model.getParameters(), m, 0, 0);
            ParameterStore ps = new ParameterStore(m, false);
            var data = TrainingRunTest.synthetic(3, 100).subList(0, 8);
            var asm = new BatchAssembler(io.stethostream.ingest.features.FeatureSpec.PATCH_MIX.withWindowSeconds(2.0));
            int[] y = BatchAssembler.labels(data);
            float[] real = asm.batch(data, null);
            for (int it = 0; it < 40; it++) {
                try (NDManager s = m.newSubManager()) {
                    float[] xs = new float[8 * 198 * 128];
                    java.util.Random r = new java.util.Random(it);
                    for (int i = 0; i < 8; i++) for (int k = 0; k < 198 * 128; k++) xs[i * 198 * 128 + k] = (float) (r.nextGaussian() + (y[i] == 1 ? 0.5 : -0.5));
                    NDArray x = s.create(System.getProperty("real") != null ? real : xs, new Shape(8, 1, 198, 128));
                    float lv;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = Losses.crossEntropy(model.logits(ps, model.features(ps, x, null, true), true), y, null);
                        lv = l.getFloat();
                        gc.backward(l);
                    }
                    if (it == -1) for (var p : model.getParameters()) { if (p.getValue().requiresGradient()) System.out.printf("%s %s |g|=%.3e%n", p.getKey(), p.getValue().getShape(), p.getValue().getArray().getGradient().abs().sum().getFloat()); }
                    System.out.printf("it %d loss %.4f gmax %.3e%n", it, lv, model.getParameters().get("cls_token").getArray().getGradient().abs().max().getFloat());
                    opt.step(1e-3);
                    if (false) System.out.printf("  after step: w max %.3e grad max %.3e%n", model.getParameters().get("cls_token").getArray().abs().max().getFloat(), model.getParameters().get("cls_token").getArray().getGradient().abs().max().getFloat());
                    if (it % 5 == 0) System.out.printf("it %d loss %.4f%n", it, lv);
                }
            }
        }
    }
}
