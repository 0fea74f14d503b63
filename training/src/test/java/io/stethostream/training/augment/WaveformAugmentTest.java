package io.stethostream.training.augment;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each augmentation against a known answer. */
class WaveformAugmentTest {

    private static final int RATE = 16_000;

    static float[] sine(double hz, double seconds, double amplitude) {
        float[] x = new float[(int) (seconds * RATE)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return x;
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    @Test
    void throughFourKilohertzA3kHzSineIsGoneAndA500HzSineStays() {
        float[] high = sine(3000, 1.0, 0.5);
        float[] low = sine(500, 1.0, 0.5);
        float[] highOut = WaveformAugment.bandLimit(high, RATE, 4000);
        float[] lowOut = WaveformAugment.bandLimit(low, RATE, 4000);
        assertEquals(high.length, highOut.length, "same length");
        double highDrop = db(WaveformAugment.rms(highOut) / WaveformAugment.rms(high));
        double lowChange = db(WaveformAugment.rms(lowOut) / WaveformAugment.rms(low));
        assertTrue(highDrop < -20, "3 kHz through 4 kHz sampling: " + highDrop + " dB");
        assertTrue(Math.abs(lowChange) < 1, "500 Hz through 4 kHz sampling: " + lowChange + " dB");
        // 8 kHz sampling keeps the 3 kHz sine (below its 4 kHz Nyquist)
        double through8k = db(WaveformAugment.rms(WaveformAugment.bandLimit(high, RATE, 8000))
                / WaveformAugment.rms(high));
        assertTrue(Math.abs(through8k) < 1, "3 kHz through 8 kHz sampling: " + through8k + " dB");
        float[] same = WaveformAugment.bandLimit(low, RATE, RATE);
        assertArrayEquals(low, same, "at or above the model rate: unchanged");
        assertNotSame(low, same);
    }

    @Test
    void bandChoosesUnchanged8kOr4kWithAThirdEach() {
        float[] high = sine(3000, 0.1, 0.5);
        int[] seen = new int[3];
        Random random = new Random(4);
        for (int t = 0; t < 90; t++) {
            float[] out = WaveformAugment.band(high, RATE, random);
            double change = db(WaveformAugment.rms(out) / WaveformAugment.rms(high));
            if (Arrays.equals(out, high)) {
                seen[0]++;
            } else if (change > -3) {
                seen[1]++; // through 8 kHz: 3 kHz passes
            } else {
                assertTrue(change < -20, "through 4 kHz: " + change + " dB");
                seen[2]++;
            }
        }
        for (int k = 0; k < 3; k++) {
            assertTrue(seen[k] >= 15, "choice " + k + " seen " + seen[k] + " times of 90");
        }
    }

    @Test
    void gainScalesTheRmsWithinSixDecibelsBothWays() {
        float[] x = sine(440, 0.1, 0.3);
        Random random = new Random(1);
        double min = 0;
        double max = 0;
        for (int t = 0; t < 200; t++) {
            float[] out = WaveformAugment.gain(x, random);
            double g = db(WaveformAugment.rms(out) / WaveformAugment.rms(x));
            assertTrue(g >= -6 - 1e-4 && g <= 6 + 1e-4, g + " dB");
            // one gain for the whole signal
            assertEquals(out[7] / x[7], out[50] / x[50], 1e-5);
            min = Math.min(min, g);
            max = Math.max(max, g);
        }
        assertTrue(min < -5 && max > 5, "range covered: " + min + " .. " + max);
    }

    @Test
    void noiseHasAnSnrBetween15And40Decibels() {
        float[] x = sine(440, 0.5, 0.3);
        Random random = new Random(2);
        double min = 100;
        double max = 0;
        for (int t = 0; t < 50; t++) {
            float[] out = WaveformAugment.noise(x, random);
            float[] n = new float[x.length];
            for (int i = 0; i < n.length; i++) {
                n[i] = out[i] - x[i];
            }
            double snr = db(WaveformAugment.rms(x) / WaveformAugment.rms(n));
            assertTrue(snr >= 15 - 0.01 && snr <= 40 + 0.01, "SNR " + snr + " dB");
            min = Math.min(min, snr);
            max = Math.max(max, snr);
        }
        assertTrue(min < 20 && max > 35, "range covered: " + min + " .. " + max);
        float[] silent = new float[1000];
        assertArrayEquals(silent, WaveformAugment.noise(silent, random), "no noise on silence");
    }

    @Test
    void shiftRotatesTheWindowKeepingEverySample() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Random random = new Random(3);
        boolean moved = false;
        for (int t = 0; t < 20; t++) {
            float[] out = WaveformAugment.shift(x, random);
            int offset = (int) out[0] == 0 ? 0 : x.length - (int) out[0];
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], out[(i + offset) % x.length], 0.0, "circular shift by " + offset);
            }
            float[] sorted = out.clone();
            Arrays.sort(sorted);
            assertArrayEquals(x, sorted, "the same samples");
            moved |= offset != 0;
        }
        assertTrue(moved);
    }

    @Test
    void theSameSeedGivesTheSameAugmentationAndTheInputIsUntouched() {
        WaveformAugment all = WaveformAugment.of(WaveformAugment.NAMES, RATE);
        float[] x = sine(700, 0.5, 0.2);
        float[] copy = x.clone();
        float[] a = all.window(all.cycle(x, new Random(9)), new Random(10));
        float[] b = all.window(all.cycle(x, new Random(9)), new Random(10));
        float[] c = all.window(all.cycle(x, new Random(8)), new Random(10));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed, another augmentation");
        assertArrayEquals(copy, x, "input unchanged");
        assertTrue(WaveformAugment.of(List.of(), RATE).isNone());
        assertTrue(WaveformAugment.NONE.isNone());
        assertArrayEquals(x, WaveformAugment.NONE.window(WaveformAugment.NONE.cycle(x, null), null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WaveformAugment.of(List.of("gain", "reverb"), RATE));
        assertTrue(e.getMessage().contains("reverb"), e.getMessage());
    }
}
