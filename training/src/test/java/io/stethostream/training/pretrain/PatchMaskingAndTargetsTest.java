package io.stethostream.training.pretrain;

import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mask and the reconstruction targets, without a model. */
class PatchMaskingAndTargetsTest {

    @Test
    void everySampleHasExactlyTheConfiguredShareMaskedAndItsVisiblePatchesAreTheRest() {
        for (double ratio : new double[] {0.75, 0.5, 0.3}) {
            PatchMasking m = PatchMasking.draw(5, 192, ratio, new Random(7));
            int expectedMasked = (int) Math.round(ratio * 192);
            for (int b = 0; b < 5; b++) {
                int masked = 0;
                for (boolean x : m.masked()[b]) {
                    masked += x ? 1 : 0;
                }
                assertEquals(expectedMasked, masked, "ratio " + ratio + ", sample " + b);
                assertEquals(192 - expectedMasked, m.visible()[b].length);
                for (int v : m.visible()[b]) {
                    assertTrue(!m.masked()[b][v], "a visible patch is marked masked");
                }
                int[] sorted = m.visible()[b].clone();
                Arrays.sort(sorted);
                assertArrayEquals(sorted, m.visible()[b]);
            }
            // different samples get different masks
            assertTrue(!Arrays.equals(m.visible()[0], m.visible()[1]));
        }
        assertThrows(IllegalArgumentException.class, () -> PatchMasking.draw(1, 10, 1.0, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> PatchMasking.draw(1, 10, 0.0, new Random(1)));
    }

    @Test
    void theSelectionPicksThePrefixTokensAndTheVisiblePatchesAndTheScatterPutsThemBack() {
        PatchMasking m = PatchMasking.draw(2, 12, 0.75, new Random(3));
        int v = m.visibleCount();
        float[] sel = m.selectionMatrix(); // (2, 2 + v, 14)
        float[] scatter = m.scatterMatrix(); // (2, 12, v)
        for (int b = 0; b < 2; b++) {
            int base = b * (2 + v) * 14;
            assertEquals(1f, sel[base]);
            assertEquals(1f, sel[base + 14 + 1]);
            for (int r = 0; r < 2 + v; r++) {
                float rowSum = 0;
                for (int c = 0; c < 14; c++) {
                    rowSum += sel[base + r * 14 + c];
                }
                assertEquals(1f, rowSum, "each row picks one token");
            }
            for (int i = 0; i < v; i++) {
                int patch = m.visible()[b][i];
                assertEquals(1f, sel[base + (2 + i) * 14 + 2 + patch]);
                assertEquals(1f, scatter[(b * 12 + patch) * v + i]);
            }
            for (int p = 0; p < 12; p++) {
                float rowSum = 0;
                for (int i = 0; i < v; i++) {
                    rowSum += scatter[(b * 12 + p) * v + i];
                }
                assertEquals(m.masked()[b][p] ? 0f : 1f, rowSum, "patch " + p);
                assertEquals(m.masked()[b][p] ? 1f : 0f, m.maskedColumn()[b * 12 + p]);
            }
        }
    }

    @Test
    void theTargetIsTheInputsValuesWhereThePatchEmbeddingReadsThem() {
        // 2 s input: 198 frames x 128 bins; value encodes (frame, bin)
        for (int stride : new int[] {16, 10}) {
            AstConfig c = new AstConfig("custom", 32, 1, 2, stride, 128, 198, 4);
            int t = c.frames();
            int f = c.melBins();
            float[] input = new float[2 * t * f];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < f; j++) {
                        input[(b * t + i) * f + j] = b * 1_000_000 + i * 1000 + j;
                    }
                }
            }
            PatchTargets targets = new PatchTargets(c, 1e-2);
            float[] patches = targets.patches(input, 2);
            assertEquals(2 * c.patches() * 256, patches.length);
            for (int b = 0; b < 2; b++) {
                for (int p : new int[] {0, 1, c.gridTime(), c.patches() - 1}) {
                    int f0 = (p / c.gridTime()) * stride;
                    int t0 = (p % c.gridTime()) * stride;
                    for (int i = 0; i < 16; i++) { // mel offset
                        for (int j = 0; j < 16; j++) { // frame offset
                            assertEquals(b * 1_000_000 + (t0 + j) * 1000 + (f0 + i),
                                    patches[(b * c.patches() + p) * 256 + i * 16 + j], 0.0, "patch " + p);
                        }
                    }
                }
            }
        }
    }

    @Test
    void targetsAreNormalisedPerPatchAndAFlatPatchStaysFlatThanksToTheFloor() {
        AstConfig c = new AstConfig("custom", 32, 1, 2, 16, 16, 32, 4); // 1 x 2 patches
        float[] input = new float[32 * 16];
        Random r = new Random(5);
        for (int t = 0; t < 32; t++) {
            for (int f = 0; f < 16; f++) {
                // first patch (frames 0-15): varied; second (16-31): constant up to tiny rounding noise
                input[t * 16 + f] = t < 16 ? (float) (2 + 0.5 * r.nextGaussian()) : -1.27f + 1e-6f * (t % 2);
            }
        }
        PatchTargets targets = new PatchTargets(c, 1e-2);
        float[] patches = targets.patches(input, 1);
        float[] norm = targets.normalised(patches);
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < 256; i++) {
            mean += norm[i] / 256;
        }
        for (int i = 0; i < 256; i++) {
            sq += (norm[i] - mean) * (norm[i] - mean) / 256;
        }
        assertEquals(0, mean, 1e-4);
        assertEquals(1, Math.sqrt(sq), 0.05); // variance 0.25 against a floor of 0.01
        for (int i = 256; i < 512; i++) {
            assertEquals(0, norm[i], 1e-4, "rounding noise of a flat patch must not become the target");
        }
        assertArrayEquals(patches, PatchTargets.denormalised(norm, targets.statistics(patches)), 1e-4f);
    }
}
