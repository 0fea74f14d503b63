package io.stethostream.training.data;

import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputNormalisationTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(2);

    /** Generator recordings at a stethoscope's level (quiet), one shorter than the window, so fitting repeats it. */
    private static List<float[]> quietAudio() {
        List<float[]> out = new ArrayList<>();
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        for (int i = 0; i < 5; i++) {
            float[] x = RespiratorySoundGenerator.generate(new SynthParameters(kinds[i % 3], i == 0 ? 1.2 : 4.0,
                    16_000, 20, 40 + i)).clip().samples();
            for (int k = 0; k < x.length; k++) {
                x[k] *= 0.01f;
            }
            out.add(x);
        }
        return out;
    }

    @Test
    void theMeasuredStatisticsMakeTheModelInputZeroMeanWithDeviationOneHalf() {
        List<float[]> audio = quietAudio();
        InputNormalisation n = InputNormalisation.measure(SPEC, audio, CycleFit.TILE);
        // AudioSet's statistics leave this audio far off centre: the reason the option exists
        assertTrue(n.mean() < SPEC.normMean() - 3, n.toString());

        FeatureSpec normalised = n.applyTo(SPEC);
        assertEquals(n, InputNormalisation.of(normalised));
        FeatureExtractor fx = new FeatureExtractor(normalised);
        CyclePreparer preparer = new CyclePreparer(normalised);
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (float[] x : audio) {
            for (float v : fx.normalised(preparer.fitToLength(x, CycleFit.TILE)).data()) {
                sum += v;
                squares += (double) v * v;
                count++;
            }
        }
        double mean = sum / count;
        assertEquals(0, mean, 1e-4);
        assertEquals(0.5, Math.sqrt(squares / count - mean * mean), 1e-4);
    }

    @Test
    void onlyUsableStatisticsAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> InputNormalisation.measure(SPEC, List.of(), CycleFit.TILE));
        assertThrows(IllegalArgumentException.class, () -> new InputNormalisation(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new InputNormalisation(-14, 0));
        assertThrows(IllegalArgumentException.class, () -> new InputNormalisation(-14, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> SPEC.withNormalisation(-14, -1));
    }
}
