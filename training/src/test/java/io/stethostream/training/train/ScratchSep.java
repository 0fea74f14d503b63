package io.stethostream.training.train;

import io.stethostream.ingest.features.*;
import java.util.*;

public class ScratchSep {
    public static void main(String[] a) {
        var train = TrainingRunTest.synthetic(24, 100);
        var test = TrainingRunTest.synthetic(8, 1000);
        var asm = new BatchAssembler(FeatureSpec.PATCH_MIX.withWindowSeconds(2.0));
        double[][] cent = new double[4][128 * 2]; int[] n = new int[4];
        for (var c : train) { double[] f = summary(asm.features(c)); int y = c.label().ordinal(); n[y]++; for (int k = 0; k < f.length; k++) cent[y][k] += f[k]; }
        for (int y = 0; y < 4; y++) for (int k = 0; k < 256; k++) cent[y][k] /= Math.max(1, n[y]);
        int ok = 0;
        for (var c : test) { double[] f = summary(asm.features(c)); int best = -1; double bd = 1e18; for (int y = 0; y < 3; y++) { double d = 0; for (int k = 0; k < 256; k++) d += (f[k]-cent[y][k])*(f[k]-cent[y][k]); if (d < bd) { bd = d; best = y; } } if (best == c.label().ordinal()) ok++; }
        System.out.println("nearest centroid acc " + ok / (double) test.size());
        FeatureMatrix m0 = asm.features(train.get(0)), m1 = asm.features(train.get(1));
        System.out.println("frames " + m0.frames() + " mean " + m0.mean() + " vs " + m1.mean());
    }
    static double[] summary(FeatureMatrix m) { double[] s = new double[256]; for (int t = 0; t < m.frames(); t++) for (int b = 0; b < 128; b++) { double v = m.get(t, b); s[b] += v / m.frames(); s[128 + b] = Math.max(s[128 + b], v); } return s; }
}
