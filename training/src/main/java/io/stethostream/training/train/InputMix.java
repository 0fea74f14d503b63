package io.stethostream.training.train;

import java.util.Random;

/**
 * Mixup and CutMix on a batch of input spectrograms (B x T x F, row-major), in place, returning the partner of each
 * sample and the effective lambda (the weight of the sample's own label).
 */
public final class InputMix {

    /** What was done: partner per sample and the weight of the own label. */
    public record Result(int[] partner, double lambda) {
    }

    private InputMix() {
    }

    /** Mixup: x = lambda x + (1 - lambda) x[partner], lambda ~ Beta(alpha, alpha). */
    public static Result mixup(float[] batch, int b, int perSample, double alpha, Random random) {
        double lambda = Mixing.beta(alpha, random);
        int[] partner = Mixing.permutation(b, random);
        float[] src = batch.clone();
        for (int i = 0; i < b; i++) {
            int p = partner[i];
            for (int k = 0; k < perSample; k++) {
                batch[i * perSample + k] = (float) (lambda * src[i * perSample + k]
                        + (1 - lambda) * src[p * perSample + k]);
            }
        }
        return new Result(partner, lambda);
    }

    /**
     * CutMix: a box of area (1 - lambda) T F, centred uniformly and clipped to the spectrogram, is copied from the
     * partner; lambda is recomputed from the clipped box.
     */
    public static Result cutmix(float[] batch, int b, int frames, int bins, double alpha, Random random) {
        double lambda = Mixing.beta(alpha, random);
        int[] partner = Mixing.permutation(b, random);
        double cut = Math.sqrt(1 - lambda);
        int ct = (int) (frames * cut);
        int cf = (int) (bins * cut);
        int tc = random.nextInt(frames);
        int fc = random.nextInt(bins);
        int t0 = Math.max(0, tc - ct / 2);
        int t1 = Math.min(frames, tc + ct / 2);
        int f0 = Math.max(0, fc - cf / 2);
        int f1 = Math.min(bins, fc + cf / 2);
        float[] src = batch.clone();
        int per = frames * bins;
        for (int i = 0; i < b; i++) {
            int p = partner[i];
            for (int t = t0; t < t1; t++) {
                System.arraycopy(src, p * per + t * bins + f0, batch, i * per + t * bins + f0, f1 - f0);
            }
        }
        double area = (t1 - t0) * (double) (f1 - f0) / per;
        return new Result(partner, 1 - area);
    }
}
