package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecAugmentTest {

    private static FeatureMatrix ramp() {
        FeatureMatrix m = FeatureMatrix.zeros(798, 128);
        for (int i = 0; i < m.data().length; i++) {
            m.data()[i] = (float) Math.sin(i * 0.001) + 2f;
        }
        return m;
    }

    @Test
    void worksOnACopyAndIsReproducibleForASeed() {
        FeatureMatrix m = ramp();
        float[] before = m.data().clone();
        SpecAugment aug = SpecAugment.reference();
        FeatureMatrix a = aug.apply(m, new Random(42));
        FeatureMatrix b = aug.apply(m, new Random(42));
        assertArrayEquals(before, m.data());
        assertArrayEquals(a.data(), b.data());
    }

    @Test
    void masksAreFilledWithTheMeanWithinTheReferenceWidths() {
        FeatureMatrix m = ramp();
        float mean = (float) m.mean();
        SpecAugment aug = SpecAugment.reference();
        int augmented = 0;
        int trials = 400;
        Random random = new Random(2026); // one generator: java.util.Random's first draws for seeds 0, 1, 2... correlate
        for (int trial = 0; trial < trials; trial++) {
            FeatureMatrix out = aug.apply(m, random);
            int maskedRows = 0;
            int maskedCols = 0;
            for (int t = 0; t < 798; t++) {
                boolean all = true;
                for (int f = 0; f < 128; f++) {
                    all &= out.get(t, f) == mean;
                }
                maskedRows += all ? 1 : 0;
            }
            for (int f = 0; f < 128; f++) {
                boolean all = true;
                for (int t = 0; t < 798; t++) {
                    all &= out.get(t, f) == mean;
                }
                maskedCols += all ? 1 : 0;
            }
            for (int i = 0; i < out.data().length; i++) {
                assertTrue(out.data()[i] == m.data()[i] || out.data()[i] == mean);
            }
            assertTrue(maskedRows <= 2 * 159, "time masks at most 2 x 159 frames");
            assertTrue(maskedCols <= 2 * 47, "frequency masks at most 2 x 47 bins");
            if (!java.util.Arrays.equals(out.data(), m.data())) {
                augmented++;
            }
        }
        // P(N(0,1) <= 1) = 0.841; a draw can also pick zero-width masks. 400 trials: well inside 0.72 .. 0.92.
        double rate = augmented / (double) trials;
        assertTrue(rate > 0.72 && rate < 0.92, "augmented fraction " + rate);
        assertNotEquals(0, augmented);
        assertEquals(798, m.frames());
    }
}
