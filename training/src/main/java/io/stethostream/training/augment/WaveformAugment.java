package io.stethostream.training.augment;

import io.stethostream.ingest.audio.Resampling;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * Waveform augmentations of a training cycle at the model rate, for robustness to the stethoscopes a model meets:
 * <ul>
 *   <li>{@code band}: with probability 1/3 each, unchanged, through 8 kHz sampling, or through 4 kHz sampling (down to
 *       that rate and back with {@link Resampling}), as 8 kHz and 4 kHz stethoscopes record;</li>
 *   <li>{@code gain}: a gain uniform in [-6, +6] dB (not clipped; the front end is a log-mel);</li>
 *   <li>{@code noise}: white Gaussian noise at an SNR uniform in [15, 40] dB against the cycle's RMS (scaled so that
 *       the SNR is exactly the drawn one; nothing added to a silent cycle);</li>
 *   <li>{@code shift}: a circular time shift of the fitted window by a uniform offset in [0, window length): the
 *       window's samples are kept, only rotated (chosen over a random crop because it applies to every cycle, short
 *       cycles included, and leaves the paper's fit-to-length untouched).</li>
 * </ul>
 * {@link #cycle} applies band, gain and noise, in that order, to the cycle's own samples (before the fit to the window
 * length, as a stethoscope would record them); {@link #window} applies the shift to the fitted window. Every random
 * number comes from the caller's {@link Random}, so that a run seeded per epoch repeats exactly. Inputs are never
 * modified.
 */
public final class WaveformAugment {

    /** The augmentations, in the order they are applied. */
    public static final List<String> NAMES = List.of("band", "gain", "noise", "shift");

    /** No augmentation. */
    public static final WaveformAugment NONE = new WaveformAugment(false, false, false, false, 16_000);

    static final double MAX_GAIN_DB = 6;
    static final double MIN_SNR_DB = 15;
    static final double MAX_SNR_DB = 40;
    static final int[] BAND_RATES = {8_000, 4_000};

    private final boolean band;
    private final boolean gain;
    private final boolean noise;
    private final boolean shift;
    private final int sampleRate;

    private WaveformAugment(boolean band, boolean gain, boolean noise, boolean shift, int sampleRate) {
        this.band = band;
        this.gain = gain;
        this.noise = noise;
        this.shift = shift;
        this.sampleRate = sampleRate;
    }

    /**
     * The named augmentations (a subset of {@link #NAMES}, any order) for audio at {@code sampleRate}.
     *
     * @throws IllegalArgumentException on an unknown name
     */
    public static WaveformAugment of(Collection<String> names, int sampleRate) {
        for (String n : names) {
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown augmentation '" + n + "' (one of " + NAMES + ")");
            }
        }
        return new WaveformAugment(names.contains("band"), names.contains("gain"), names.contains("noise"),
                names.contains("shift"), sampleRate);
    }

    /** True when nothing is applied. */
    public boolean isNone() {
        return !band && !gain && !noise && !shift;
    }

    /** Band, gain and noise (those enabled) on a cycle's samples, before fitting to the window length. */
    public float[] cycle(float[] samples, Random random) {
        float[] x = samples;
        if (band) {
            x = band(x, sampleRate, random);
        }
        if (gain) {
            x = gain(x, random);
        }
        if (noise) {
            x = noise(x, random);
        }
        return x;
    }

    /** The shift (if enabled) on the fitted window. */
    public float[] window(float[] window, Random random) {
        return shift ? shift(window, random) : window;
    }

    /**
     * The signal as if recorded at {@code throughRate}: resampled from {@code sampleRate} down to it and back, cut to
     * the input's length. A copy of the input when {@code throughRate >= sampleRate}.
     */
    public static float[] bandLimit(float[] x, int sampleRate, int throughRate) {
        if (throughRate >= sampleRate || x.length == 0) {
            return x.clone();
        }
        float[] down = Resampling.resample(x, sampleRate, throughRate);
        return Arrays.copyOf(Resampling.resample(down, throughRate, sampleRate), x.length);
    }

    /** Unchanged, through 8 kHz or through 4 kHz, with probability 1/3 each. */
    public static float[] band(float[] x, int sampleRate, Random random) {
        int choice = random.nextInt(BAND_RATES.length + 1);
        return choice == 0 ? x.clone() : bandLimit(x, sampleRate, BAND_RATES[choice - 1]);
    }

    /** A gain uniform in [-6, +6] dB. */
    public static float[] gain(float[] x, Random random) {
        double db = (2 * random.nextDouble() - 1) * MAX_GAIN_DB;
        float g = (float) Math.pow(10, db / 20);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * g;
        }
        return out;
    }

    /** White Gaussian noise at an SNR uniform in [15, 40] dB against the signal's RMS; a silent signal is unchanged. */
    public static float[] noise(float[] x, Random random) {
        double snrDb = MIN_SNR_DB + random.nextDouble() * (MAX_SNR_DB - MIN_SNR_DB);
        double signal = rms(x);
        if (signal == 0) {
            return x.clone();
        }
        double[] n = new double[x.length];
        double sum = 0;
        for (int i = 0; i < n.length; i++) {
            n[i] = random.nextGaussian();
            sum += n[i] * n[i];
        }
        double scale = signal / Math.pow(10, snrDb / 20) / Math.sqrt(sum / n.length);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] + scale * n[i]);
        }
        return out;
    }

    /** A circular shift by a uniform offset in [0, length): out[(i + offset) mod n] = x[i]. */
    public static float[] shift(float[] x, Random random) {
        if (x.length == 0) {
            return x.clone();
        }
        int offset = random.nextInt(x.length);
        float[] out = new float[x.length];
        System.arraycopy(x, 0, out, offset, x.length - offset);
        System.arraycopy(x, x.length - offset, out, 0, offset);
        return out;
    }

    /** Root mean square (0 for an empty signal). */
    public static double rms(float[] x) {
        if (x.length == 0) {
            return 0;
        }
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / x.length);
    }
}
