package io.stethostream.training.train;

import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.LabelledCycle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembler's evaluation-time band limit and its training-time waveform augmentations. */
class BatchAssemblerTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(1.0);

    private static LabelledCycle cycle(float[] samples) {
        return new LabelledCycle("synth", "r", "p", 0, 0, samples.length / 16_000.0, RespiratoryClass.NORMAL,
                samples);
    }

    private static float[] whiteNoise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.1 * r.nextGaussian());
        }
        return x;
    }

    private static float[] sine(double hz, int n, double amplitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / 16_000));
        }
        return x;
    }

    /** Mean absolute difference of two feature arrays (normalised log-mel units). */
    private static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    /** The mel bins whose filters lie below {@code hz} (mel spacing from 20 Hz to 8 kHz, as the spec's). */
    private static int binsBelow(double hz) {
        double lo = 1127 * Math.log(1 + 20 / 700.0);
        double hi = 1127 * Math.log(1 + 8000 / 700.0);
        double mel = 1127 * Math.log(1 + hz / 700.0);
        return (int) Math.floor((mel - lo) / ((hi - lo) / (SPEC.melBins() + 1))) - 1;
    }

    @Test
    void aFourKilohertzBandLimitChangesBroadbandFeaturesAndLeavesA500HzSineAlone() {
        BatchAssembler plain = new BatchAssembler(SPEC);
        BatchAssembler limited = plain.withBandLimit(4000);
        assertEquals(4000, limited.bandLimitHz());
        int bins = SPEC.melBins();
        int frames = SPEC.targetFrames();

        float[] noise = whiteNoise(16_000, 1);
        float[] noisePlain = plain.features(cycle(noise)).data();
        float[] noiseLimited = limited.features(cycle(noise)).data();
        double noiseChange = meanAbsDiff(noisePlain, noiseLimited);

        float[] sine = sine(500, 16_000, 0.5);
        float[] sinePlain = plain.features(cycle(sine)).data();
        float[] sineLimited = limited.features(cycle(sine)).data();
        double sineChange = meanAbsDiff(sinePlain, sineLimited);
        // where the sine's energy is: the bins below 1.5 kHz (the resampler's pass band at 4 kHz)
        int low = binsBelow(1500);
        double sineLowMax = 0;
        double noiseHighMean = 0;
        int high = binsBelow(2500);
        for (int t = 0; t < frames; t++) {
            for (int f = 0; f < bins; f++) {
                int i = t * bins + f;
                if (f < low) {
                    sineLowMax = Math.max(sineLowMax, Math.abs(sinePlain[i] - sineLimited[i]));
                }
                if (f >= high) {
                    noiseHighMean += (noisePlain[i] - noiseLimited[i]) / ((double) frames * (bins - high));
                }
            }
        }
        // measured when written: noise 0.93 overall and 1.97 above 2.5 kHz; the sine 0.025 overall, 0.016 at most below
        // 1.5 kHz (normalised log-mel units: 1 is a factor of about 9000 in energy)
        assertTrue(noiseChange > 0.5, "broadband features change: " + noiseChange);
        assertTrue(noiseHighMean > 1.0, "the bins above 2.5 kHz lose their energy: " + noiseHighMean);
        assertTrue(sineChange < 0.05, "500 Hz sine, all bins: " + sineChange);
        assertTrue(sineLowMax < 0.05, "500 Hz sine, the bins below 1.5 kHz: " + sineLowMax);
        // the band limit applies to whole batches, evaluation's path
        assertArrayEquals(noiseLimited, limited.batch(List.of(cycle(noise)), null));
        assertArrayEquals(noisePlain, limited.withBandLimit(0).batch(List.of(cycle(noise)), null));
    }

    @Test
    void bandLimitsOutsideFourKilohertzToTheModelRateAreRefused() {
        BatchAssembler plain = new BatchAssembler(SPEC);
        assertThrows(IllegalArgumentException.class, () -> plain.withBandLimit(2000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.withBandLimit(16_000));
        assertTrue(e.getMessage().contains("16000"), e.getMessage());
    }

    @Test
    void waveformAugmentationsAreDrawnFromTheBatchsRandomAndNoneLeavesTheBatchAsBefore() {
        BatchAssembler a = new BatchAssembler(SPEC);
        List<LabelledCycle> cycles = List.of(cycle(whiteNoise(12_000, 2)), cycle(sine(300, 20_000, 0.3)));
        float[] plain = a.batch(cycles, null);
        assertArrayEquals(plain, a.batch(cycles, WaveformAugment.NONE, false, null));
        // no waveform augmentation: SpecAugment draws exactly as before
        assertArrayEquals(a.batch(cycles, new Random(5)), a.batch(cycles, WaveformAugment.NONE, true, new Random(5)));
        WaveformAugment all = WaveformAugment.of(WaveformAugment.NAMES, SPEC.sampleRate());
        float[] augmented = a.batch(cycles, all, true, new Random(6));
        assertArrayEquals(augmented, a.batch(cycles, all, true, new Random(6)), "same seed, same batch");
        assertFalse(java.util.Arrays.equals(plain, augmented));
        assertThrows(IllegalArgumentException.class, () -> a.batch(cycles, all, false, null));
    }
}
