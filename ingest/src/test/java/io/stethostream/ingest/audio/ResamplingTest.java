package io.stethostream.ingest.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplingTest {

    static float[] tone(double hz, int rate, double seconds, double amp) {
        float[] x = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    /** RMS over the middle half, away from the filter's edge effects. */
    static double rms(float[] y) {
        double s = 0;
        int n = 0;
        for (int i = y.length / 4; i < 3 * y.length / 4; i++, n++) {
            s += y[i] * (double) y[i];
        }
        return Math.sqrt(s / n);
    }

    /** Frequency of the strongest DFT bin in 0.25 Hz steps around a guess, over the middle of the signal. */
    static double peakFrequency(float[] y, int rate, double guess) {
        double best = 0;
        double bestHz = 0;
        for (double hz = guess - 5; hz <= guess + 5; hz += 0.25) {
            double re = 0;
            double im = 0;
            for (int i = y.length / 4; i < 3 * y.length / 4; i++) {
                re += y[i] * Math.cos(2 * Math.PI * hz * i / rate);
                im += y[i] * Math.sin(2 * Math.PI * hz * i / rate);
            }
            double p = re * re + im * im;
            if (p > best) {
                best = p;
                bestHz = hz;
            }
        }
        return bestHz;
    }

    @ParameterizedTest
    @CsvSource({"4000, 440", "4000, 1500", "8000, 3000", "10000, 1000", "22050, 5000", "44100, 440",
            "44100, 6000", "48000, 2500", "11025, 4000"})
    void aToneKeepsItsFrequencyAndLevel(int rate, double hz) {
        float[] y = Resampling.resample(tone(hz, rate, 2.0, 0.5), rate, 16000);
        assertEquals(hz, peakFrequency(y, 16000, hz), 0.5);
        assertEquals(0.5 / Math.sqrt(2), rms(y), 0.02, "passband level");
    }

    @ParameterizedTest
    @CsvSource({"44100, 8500", "44100, 9000", "44100, 12000", "44100, 20000", "48000, 8600", "48000, 16000",
            "48000, 23000", "22050, 9000", "32000, 10000", "32000, 15000"})
    void contentAboveTheNewNyquistIsAttenuatedBy60Db(int rate, double hz) {
        float[] y = Resampling.resample(tone(hz, rate, 2.0, 0.5), rate, 16000);
        double db = 20 * Math.log10(rms(y) / (0.5 / Math.sqrt(2)));
        assertTrue(db <= -60, hz + " Hz from " + rate + " Hz came out at " + db + " dB");
    }

    @ParameterizedTest
    @ValueSource(ints = {4000, 8000, 10000, 22050, 44100, 48000})
    void lengthIsExactAndTimingIsPreserved(int rate) {
        float[] x = new float[rate * 3 / 2 + 7];
        x[rate / 2] = 1f; // an impulse at 0.5 s
        float[] y = Resampling.resample(x, rate, 16000);
        assertEquals((int) Math.ceil(x.length * 16000.0 / rate), y.length);
        int peak = 0;
        for (int i = 0; i < y.length; i++) {
            if (Math.abs(y[i]) > Math.abs(y[peak])) {
                peak = i;
            }
        }
        assertEquals(8000, peak, 1, "impulse at 0.5 s stays at 0.5 s");
    }

    @Test
    void sameRateIsTheSameClipAndRatesOutsideTheRangeAreRefused() {
        AudioClip c = new AudioClip(new float[10], 16000, "x");
        assertSame(c, Resampling.resample(c, 16000));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Resampling.resample(new AudioClip(new float[10], 96000, "hi.wav"), 16000));
        assertTrue(e.getMessage().contains("hi.wav") && e.getMessage().contains("96000"));
        assertThrows(IllegalArgumentException.class,
                () -> Resampling.resample(new AudioClip(new float[10], 2000, "lo.wav"), 16000));
    }
}
