package io.stethostream.ingest.features;

import java.util.Random;

/**
 * SpecAugment as the Patch-Mix reference applies it in training: with probability P(N(0,1) &lt;= policy) (0.84 for
 * the default policy 1.0), two frequency masks of width uniform [0, 48) mel bins and two time masks of width uniform
 * [0, 160) frames, each at a uniform start that keeps it inside the matrix, filled with the matrix mean. Always works
 * on a copy; the caller's matrix is never changed. No time warping.
 */
public final class SpecAugment {

    private final double policy;
    private final int freqMaskWidth;
    private final int timeMaskWidth;
    private final int freqMasks;
    private final int timeMasks;

    /** The reference's parameters. */
    public static SpecAugment reference() {
        return new SpecAugment(1.0, 48, 160, 2, 2);
    }

    public SpecAugment(double policy, int freqMaskWidth, int timeMaskWidth, int freqMasks, int timeMasks) {
        if (freqMaskWidth < 1 || timeMaskWidth < 1 || freqMasks < 0 || timeMasks < 0) {
            throw new IllegalArgumentException("mask widths must be >= 1 and counts >= 0");
        }
        this.policy = policy;
        this.freqMaskWidth = freqMaskWidth;
        this.timeMaskWidth = timeMaskWidth;
        this.freqMasks = freqMasks;
        this.timeMasks = timeMasks;
    }

    /** A masked copy of {@code m} (or an unchanged copy when the draw skips augmentation). */
    public FeatureMatrix apply(FeatureMatrix m, Random random) {
        FeatureMatrix out = m.copy();
        if (random.nextGaussian() > policy) {
            return out;
        }
        float fill = (float) m.mean();
        for (int i = 0; i < freqMasks; i++) {
            int width = Math.min(random.nextInt(freqMaskWidth), m.bins());
            int start = random.nextInt(m.bins() - width + 1);
            for (int t = 0; t < m.frames(); t++) {
                java.util.Arrays.fill(out.data(), t * m.bins() + start, t * m.bins() + start + width, fill);
            }
        }
        for (int i = 0; i < timeMasks; i++) {
            int width = Math.min(random.nextInt(timeMaskWidth), m.frames());
            int start = random.nextInt(m.frames() - width + 1);
            java.util.Arrays.fill(out.data(), start * m.bins(), (start + width) * m.bins(), fill);
        }
        return out;
    }
}
