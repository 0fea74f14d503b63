package io.stethostream.training.pretrain;

import io.stethostream.training.model.AstConfig;

/**
 * The reconstruction targets: each patch's 16 x 16 values cut from the model input exactly where the patch embedding
 * reads them (patch p = row f, column t of the grid, frequency-major; value (i, j) = mel bin f * stride + i, frame
 * t * stride + j), then normalised per patch to zero mean and unit variance as MAE does, so the loss weighs the
 * shape of a patch and not its loudness.
 *
 * <p>The variance floor matters on this data: SPRSound's 8 kHz audio leaves every mel bin above 4 kHz at the log floor,
 * and those patches are constant up to rounding. With a tiny floor their rounding noise, blown up to unit variance,
 * would become half the target; with a floor of about 1e-2 (the features' spread is about 0.5) they stay flat.
 */
public final class PatchTargets {

    private final AstConfig config;
    private final double varianceFloor;

    public PatchTargets(AstConfig config, double varianceFloor) {
        if (!(varianceFloor > 0)) {
            throw new IllegalArgumentException("target variance floor must be > 0, got " + varianceFloor);
        }
        this.config = config;
        this.varianceFloor = varianceFloor;
    }

    /**
     * Raw patch values of a batch of model inputs laid out (B, T, F) (time-major, as the front end writes them).
     *
     * @return (B, N, 256)
     */
    public float[] patches(float[] inputs, int batch) {
        int frames = config.frames();
        int bins = config.melBins();
        int n = config.patches();
        int gt = config.gridTime();
        int st = config.stride();
        int k = AstConfig.PATCH;
        float[] out = new float[batch * n * k * k];
        for (int b = 0; b < batch; b++) {
            int in = b * frames * bins;
            for (int p = 0; p < n; p++) {
                int f0 = (p / gt) * st;
                int t0 = (p % gt) * st;
                int o = (b * n + p) * k * k;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        out[o + i * k + j] = inputs[in + (t0 + j) * bins + f0 + i];
                    }
                }
            }
        }
        return out;
    }

    /** Per-patch mean and standard deviation (with the floor) of raw patch values: [mean0, std0, mean1, ...]. */
    public float[] statistics(float[] patches) {
        int k2 = AstConfig.PATCH * AstConfig.PATCH;
        int count = patches.length / k2;
        float[] stats = new float[2 * count];
        for (int p = 0; p < count; p++) {
            double sum = 0;
            for (int i = 0; i < k2; i++) {
                sum += patches[p * k2 + i];
            }
            double mean = sum / k2;
            double sq = 0;
            for (int i = 0; i < k2; i++) {
                double d = patches[p * k2 + i] - mean;
                sq += d * d;
            }
            stats[2 * p] = (float) mean;
            stats[2 * p + 1] = (float) Math.sqrt(sq / k2 + varianceFloor);
        }
        return stats;
    }

    /** The normalised targets: (x - mean) / sqrt(var + floor) per patch. */
    public float[] normalised(float[] patches) {
        float[] stats = statistics(patches);
        int k2 = AstConfig.PATCH * AstConfig.PATCH;
        float[] out = new float[patches.length];
        for (int i = 0; i < patches.length; i++) {
            int p = i / k2;
            out[i] = (patches[i] - stats[2 * p]) / stats[2 * p + 1];
        }
        return out;
    }

    /** Inverse of {@link #normalised} with the given statistics (to draw a prediction on the input's scale). */
    public static float[] denormalised(float[] normalised, float[] stats) {
        int k2 = AstConfig.PATCH * AstConfig.PATCH;
        float[] out = new float[normalised.length];
        for (int i = 0; i < normalised.length; i++) {
            int p = i / k2;
            out[i] = normalised[i] * stats[2 * p + 1] + stats[2 * p];
        }
        return out;
    }
}
