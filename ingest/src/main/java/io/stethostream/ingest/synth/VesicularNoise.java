package io.stethostream.ingest.synth;

import java.util.Random;

/** Normal (vesicular) breath sound: noise band-limited to 100-1000 Hz, shaped by the breathing envelope. */
final class VesicularNoise {

    static final double LOW_HZ = 100;
    static final double HIGH_HZ = 1000;

    private VesicularNoise() {
    }

    /**
     * Adds breath noise to {@code out}.
     *
     * @param envelope per-sample amplitude from {@link BreathingPattern#envelope}
     * @param level    RMS of the noise where the envelope is 1
     */
    static void add(double[] out, double[] envelope, double level, int sampleRate, Random rng) {
        double[] noise = new double[out.length];
        // Uniform white noise, not Gaussian: the band-pass sums many input samples into each output, so its output is
        // Gaussian either way, and a uniform draw costs a fraction of nextGaussian().
        for (int i = 0; i < noise.length; i++) {
            noise[i] = 2 * rng.nextDouble() - 1;
        }
        Biquad.bandLimit(noise, LOW_HZ, HIGH_HZ, sampleRate);
        Biquad.normalise(noise);
        for (int i = 0; i < out.length; i++) {
            out[i] += level * envelope[i] * noise[i];
        }
    }
}
