package io.stethostream.training.pretrain;

import java.util.Arrays;
import java.util.Random;

/**
 * Which patches of each sample the encoder sees. Every sample of a batch gets its own random set of exactly
 * {@code round(ratio * patches)} masked patches (at least one masked and one visible), so the encoder's input has the
 * same length for all samples and can be batched.
 *
 * @param patches patches per sample
 * @param visible per sample, the visible patch indices in ascending order (all of the same length)
 * @param masked  per sample, true where the patch is masked
 */
public record PatchMasking(int patches, int[][] visible, boolean[][] masked) {

    /** Draws a mask per sample. */
    public static PatchMasking draw(int batch, int patches, double ratio, Random random) {
        int maskedCount = maskedCount(patches, ratio);
        int[][] visible = new int[batch][];
        boolean[][] masked = new boolean[batch][patches];
        int[] order = new int[patches];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < patches; i++) {
                order[i] = i;
            }
            for (int i = patches - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; i < maskedCount; i++) {
                masked[b][order[i]] = true;
            }
            visible[b] = Arrays.copyOfRange(order, maskedCount, patches);
            Arrays.sort(visible[b]);
        }
        return new PatchMasking(patches, visible, masked);
    }

    /** Masked patches per sample for a ratio: rounded, at least 1, at most all but one. */
    public static int maskedCount(int patches, double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("mask ratio must be in (0, 1), got " + ratio);
        }
        return (int) Math.max(1, Math.min(patches - 1, Math.round(ratio * patches)));
    }

    public int batch() {
        return visible.length;
    }

    public int visibleCount() {
        return visible[0].length;
    }

    /**
     * (B, 2 + V, N + 2): rows pick the encoder's tokens from the full sequence (two prefix tokens, then the patches):
     * the two prefix tokens first, then the visible patches in grid order.
     */
    public float[] selectionMatrix() {
        int rows = 2 + visibleCount();
        int cols = patches + 2;
        float[] s = new float[batch() * rows * cols];
        for (int b = 0; b < batch(); b++) {
            int base = b * rows * cols;
            s[base] = 1f;
            s[base + cols + 1] = 1f;
            for (int v = 0; v < visibleCount(); v++) {
                s[base + (2 + v) * cols + 2 + visible[b][v]] = 1f;
            }
        }
        return s;
    }

    /** (B, N, V): puts the v-th visible patch back at its place on the grid; masked places stay zero. */
    public float[] scatterMatrix() {
        int v = visibleCount();
        float[] s = new float[batch() * patches * v];
        for (int b = 0; b < batch(); b++) {
            for (int i = 0; i < v; i++) {
                s[(b * patches + visible[b][i]) * v + i] = 1f;
            }
        }
        return s;
    }

    /** (B, N, 1): 1 where masked. */
    public float[] maskedColumn() {
        float[] m = new float[batch() * patches];
        for (int b = 0; b < batch(); b++) {
            for (int p = 0; p < patches; p++) {
                m[b * patches + p] = masked[b][p] ? 1f : 0f;
            }
        }
        return m;
    }
}
