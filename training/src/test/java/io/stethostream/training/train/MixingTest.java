package io.stethostream.training.train;

import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.MixPlan;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixingTest {

    private final AstConfig paper = AstConfig.preset("tiny", 10, 798);

    @Test
    void patchMixDrawsOneMaskForTheBatchAndRecomputesLambda() {
        Random r = new Random(5);
        assertEquals(948, paper.patches());
        double sum = 0;
        for (int t = 0; t < 200; t++) {
            MixPlan plan = Mixing.patchMix(paper, 8, r);
            assertEquals(948, plan.mask().length, "one mask over the patches, shared by the batch");
            assertEquals(1.0 - plan.mixedPatches() / 948.0, plan.lambda(), 1e-12);
            int[] sorted = plan.partner().clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, sorted, "partners are a permutation");
            sum += plan.lambda();
        }
        assertEquals(0.5, sum / 200, 0.06, "lambda ~ Beta(1, 1) has mean 1/2");
    }

    @Test
    void timePatchMixReplacesWholeColumns() {
        MixPlan plan = Mixing.timePatchMix(paper, 4, new Random(9));
        int columns = paper.gridTime();
        for (int t = 0; t < columns; t++) {
            float first = plan.mask()[t];
            for (int f = 1; f < paper.gridFreq(); f++) {
                assertEquals(first, plan.mask()[f * columns + t], "column " + t + " is mixed whole");
            }
        }
        assertEquals(0, plan.mixedPatches() % paper.gridFreq());
        assertEquals(1.0 - plan.mixedPatches() / 948.0, plan.lambda(), 1e-12);
    }

    @Test
    void mixPlanRejectsInconsistentLambdaAndNonPermutations() {
        assertThrows(IllegalArgumentException.class, () -> new MixPlan(new float[] {1, 0}, new int[] {0, 1}, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new MixPlan(new float[] {1, 0}, new int[] {0, 0}, 0.5));
    }

    @Test
    void mixupWeightsAndCutmixAreaGiveTheLabelWeights() {
        Random r = new Random(3);
        int b = 4;
        int frames = 20;
        int bins = 10;
        float[] batch = new float[b * frames * bins];
        for (int i = 0; i < b; i++) {
            Arrays.fill(batch, i * frames * bins, (i + 1) * frames * bins, i);
        }
        float[] mixed = batch.clone();
        InputMix.Result mix = InputMix.mixup(mixed, b, frames * bins, 1.0, r);
        for (int i = 0; i < b; i++) {
            double expected = mix.lambda() * i + (1 - mix.lambda()) * mix.partner()[i];
            assertEquals(expected, mixed[i * frames * bins + 17], 1e-5);
        }
        float[] cut = batch.clone();
        InputMix.Result c = InputMix.cutmix(cut, b, frames, bins, 1.0, r);
        for (int i = 0; i < b; i++) {
            int p = c.partner()[i];
            if (p == i) {
                continue;
            }
            int fromPartner = 0;
            for (int k = 0; k < frames * bins; k++) {
                fromPartner += cut[i * frames * bins + k] == p ? 1 : 0;
            }
            assertEquals(1 - c.lambda(), fromPartner / (double) (frames * bins), 1e-9,
                    "lambda is the share of the sample's own cells");
        }
        double mean = 0;
        for (int t = 0; t < 2000; t++) {
            mean += Mixing.beta(0.4, r);
        }
        assertEquals(0.5, mean / 2000, 0.03);
        assertTrue(Mixing.beta(0.4, r) >= 0);
    }
}
