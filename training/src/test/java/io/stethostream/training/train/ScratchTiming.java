package io.stethostream.training.train;

import io.stethostream.ingest.features.FeatureSpec;
import java.nio.file.*;
import java.util.*;

public class ScratchTiming {
    public static void main(String[] a) throws Exception {
        long t = System.nanoTime();
        var train = a.length > 2 && a[2].equals("overfit") ? TrainingRunTest.synthetic(3, 100).subList(0, 8) : TrainingRunTest.synthetic(Integer.getInteger("per", 24), 100);
        var test = TrainingRunTest.synthetic(8, 1000);
        System.out.printf("synth %.1f s%n", (System.nanoTime()-t)/1e9);
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(2.0);
        var asm = new BatchAssembler(spec);
        t = System.nanoTime(); asm.batch(train.subList(0, 8), null); System.out.printf("batch features %.3f s%n", (System.nanoTime()-t)/1e9);
        var model = new io.stethostream.training.model.AstConfig("custom", 64, 2, 2, 16, 128, spec.targetFrames(), 4);
        var cfg = new TrainConfig("s", null, null, model, 2.0, a[0], Integer.parseInt(a.length > 3 ? a[3] : "3"), 8, Double.parseDouble(a[1]), 1e-5, 1e-6, Double.parseDouble(System.getProperty("avg", "0.5")), 0.06, 1.0, 0.4, false, 0.0, 7, 0);
        long[] last = {System.nanoTime()};
        var run = new TrainingRun(cfg, asm, new TrainingRun.Data(train, List.of(), test), Files.createTempDirectory("x"), new TrainingListener() {
            public void onStep(int e, int s, int n, double loss, double lr, double sps) { long now = System.nanoTime(); System.out.printf("e%d s%d loss %.3f %.0f ms%n", e, s, loss, (now-last[0])/1e6); last[0]=now; }
            public void onEpoch(io.stethostream.training.eval.EpochRecord r) { long now = System.nanoTime(); System.out.printf("epoch %d eval %.0f ms acc %.3f%n", r.epoch(), (now-last[0])/1e6, r.test().accuracy()); last[0]=now; }
        });
        run.run(false, Map.of());
    }
}
