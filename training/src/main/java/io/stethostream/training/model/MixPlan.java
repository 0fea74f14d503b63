package io.stethostream.training.model;

import java.util.Arrays;

/**
 * Which patches of each sample are replaced by its partner's, decided once per batch (spec section 4): a 0/1 mask over
 * the patch sequence, shared by the whole batch, and a partner index per sample (a permutation; a sample may be its
 * own partner). {@code lambda} is recomputed from the mask: 1 - mixed / patches.
 */
public record MixPlan(float[] mask, int[] partner, double lambda) {

    public MixPlan {
        int mixed = 0;
        for (float m : mask) {
            if (m != 0f && m != 1f) {
                throw new IllegalArgumentException("mask values must be 0 or 1");
            }
            mixed += (int) m;
        }
        double expected = 1.0 - mixed / (double) mask.length;
        if (Math.abs(expected - lambda) > 1e-12) {
            throw new IllegalArgumentException("lambda " + lambda + " does not match the mask (" + expected + ")");
        }
        int[] sorted = partner.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != i) {
                throw new IllegalArgumentException("partner must be a permutation of the batch");
            }
        }
    }

    public int mixedPatches() {
        int n = 0;
        for (float m : mask) {
            n += (int) m;
        }
        return n;
    }
}
