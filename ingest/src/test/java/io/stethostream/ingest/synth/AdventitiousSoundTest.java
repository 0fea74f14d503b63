package io.stethostream.ingest.synth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crackles and wheezes measured against their annotated events. */
class AdventitiousSoundTest {

    /**
     * Peak-to-RMS that marks a crackle: crackles are made about seven times the breath RMS; Gaussian breath noise
     * rarely peaks above five times its RMS within 5 ms.
     */
    private static final double THRESHOLD = 5.5;

    @ParameterizedTest
    @CsvSource({"1,16000", "2,16000", "3,16000", "4,4000", "5,44100"})
    void wheezePeakIsInBandAtTheAnnotatedFundamentalWithHarmonics(long seed, int rate) {
        SyntheticRecording r = RespiratorySoundGenerator.generate(
                SynthParameters.of(SoundKind.WHEEZE, 12, seed).withSampleRate(rate));
        List<SyntheticEvent> wheezes = r.events(SyntheticEvent.Type.WHEEZE);
        assertFalse(wheezes.isEmpty());
        float[] x = r.clip().samples();
        double step = 2;
        double low = 50;
        for (SyntheticEvent e : wheezes) {
            assertTrue(e.duration() > 0.1, "wheeze shorter than 100 ms: " + e);
            int from = Signals.index(e.start(), rate);
            int to = Signals.index(e.end(), rate);
            double[] p = Signals.spectrum(x, from, to, low, Math.min(2000, rate / 2.0 - 50), step, rate);
            double peakHz = low + step * Signals.argmax(p);
            assertTrue(peakHz >= 100 && peakHz <= 1000, "dominant peak at " + peakHz + " Hz");
            // The glide spans +-6% of the mean fundamental; the peak lies within that sweep (plus a bin or two).
            assertTrue(Math.abs(peakHz - e.frequencyHz()) <= 0.07 * e.frequencyHz() + 2 * step,
                    "peak " + peakHz + " Hz vs annotated " + e.frequencyHz());
            double second = 0;
            for (double hz = 2 * e.frequencyHz() * 0.93; hz <= 2 * e.frequencyHz() * 1.07; hz += step) {
                second = Math.max(second, Signals.power(x, from, to, hz, rate));
            }
            double floor = Signals.median(p);
            assertTrue(second > 30 * floor, "second harmonic " + second + " vs median " + floor);
            assertTrue(p[Signals.argmax(p)] > 300 * floor, "fundamental " + p[Signals.argmax(p)] + " vs " + floor);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void cracklesAreShortLoudTransientsWhereAnnotatedAndNowhereElse(long seed) {
        int rate = 16000;
        SyntheticRecording r = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.CRACKLE, 12, seed));
        // The same seed's normal recording is the breath sound underneath the crackles.
        float[] breath = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.NORMAL, 12, seed))
                .clip().samples();
        float[] x = r.clip().samples();
        List<SyntheticEvent> crackles = r.events().stream().filter(e -> e.type().isCrackle()).toList();
        assertFalse(crackles.isEmpty());
        boolean[] inside = new boolean[x.length];
        for (SyntheticEvent e : crackles) {
            double expected = e.type() == SyntheticEvent.Type.FINE_CRACKLE ? 0.005 : 0.015;
            assertTrue(Math.abs(e.duration() - expected) <= 0.4 * expected, "duration " + e);
            int from = Signals.index(e.start(), rate);
            int to = Signals.index(e.end(), rate);
            int mid = (from + to) / 2;
            double background = Signals.rms(breath, mid - rate / 40, mid + rate / 40);
            double ratio = Signals.peak(x, from, to) / background;
            assertTrue(ratio > THRESHOLD, "crackle peak-to-RMS " + ratio + " at " + e);
            for (int i = from; i < to; i++) {
                inside[i] = true;
            }
        }
        // Elsewhere, a 5 ms block never stands out like a crackle against its 50 ms surroundings.
        int block = rate / 200;
        double worst = 0;
        for (int b = rate / 40; b + block + rate / 40 < x.length; b += block / 2) {
            boolean touches = false;
            for (int i = b - block; i < b + 2 * block && !touches; i++) {
                touches = inside[i];
            }
            if (!touches) {
                double around = Signals.rms(x, b - rate / 40, b + rate / 40);
                worst = Math.max(worst, Signals.peak(x, b, b + block) / around);
            }
        }
        assertTrue(worst < THRESHOLD, "a transient outside the crackle events: peak-to-RMS " + worst);
    }
}
