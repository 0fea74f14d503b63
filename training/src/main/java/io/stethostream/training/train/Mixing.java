package io.stethostream.training.train;

import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.MixPlan;

import java.util.Random;

/**
 * Draws the mixing of one batch. Patch-Mix (spec section 4): lambda ~ Beta(1, 1), floor(N (1 - lambda)) patch indices
 * drawn once for the whole batch, a random permutation as partners, lambda recomputed from the count. TPatch does the
 * same over whole time columns. Mixup and CutMix mix input spectrograms instead (see {@link InputMix}).
 */
public final class Mixing {

    private Mixing() {
    }

    /** A random permutation of 0..n-1 (a sample may be its own partner). */
    public static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Patch-Mix: random patches, one set for the batch. */
    public static MixPlan patchMix(AstConfig config, int batch, Random random) {
        int n = config.patches();
        double lambda = random.nextDouble(); // Beta(1, 1)
        int mixed = (int) Math.floor(n * (1 - lambda));
        int[] order = permutation(n, random);
        float[] mask = new float[n];
        for (int i = 0; i < mixed; i++) {
            mask[order[i]] = 1f;
        }
        return new MixPlan(mask, permutation(batch, random), 1.0 - mixed / (double) n);
    }

    /** TPatch: whole time columns (all frequency rows of floor(T' (1 - lambda)) columns). */
    public static MixPlan timePatchMix(AstConfig config, int batch, Random random) {
        int columns = config.gridTime();
        double lambda = random.nextDouble();
        int mixedColumns = (int) Math.floor(columns * (1 - lambda));
        int[] order = permutation(columns, random);
        float[] mask = new float[config.patches()];
        for (int c = 0; c < mixedColumns; c++) {
            for (int f = 0; f < config.gridFreq(); f++) {
                mask[f * columns + order[c]] = 1f; // patches are flattened frequency-major
            }
        }
        int mixed = mixedColumns * config.gridFreq();
        return new MixPlan(mask, permutation(batch, random), 1.0 - mixed / (double) config.patches());
    }

    /** A draw from Beta(alpha, alpha) via two Gamma draws (Marsaglia-Tsang), for Mixup and CutMix. */
    public static double beta(double alpha, Random random) {
        double x = gamma(alpha, random);
        double y = gamma(alpha, random);
        return x / (x + y);
    }

    private static double gamma(double shape, Random random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = Math.pow(1 + c * x, 3);
            if (v > 0 && Math.log(random.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
