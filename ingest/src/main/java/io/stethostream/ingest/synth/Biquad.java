package io.stethostream.ingest.synth;

/**
 * A second-order IIR section with the audio-EQ-cookbook low- and high-pass designs, run in place over a buffer.
 * Coefficients use {@link StrictMath} so that the generator gives bit-identical output on every JVM.
 */
final class Biquad {

    /** Butterworth Q: the flattest passband for a single section. */
    static final double BUTTERWORTH_Q = Math.sqrt(0.5);

    private final double b0;
    private final double b1;
    private final double b2;
    private final double a1;
    private final double a2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    static Biquad lowPass(double cutoffHz, int sampleRate) {
        double w = 2 * Math.PI * cutoffHz / sampleRate;
        double cos = StrictMath.cos(w);
        double alpha = StrictMath.sin(w) / (2 * BUTTERWORTH_Q);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    static Biquad highPass(double cutoffHz, int sampleRate) {
        double w = 2 * Math.PI * cutoffHz / sampleRate;
        double cos = StrictMath.cos(w);
        double alpha = StrictMath.sin(w) / (2 * BUTTERWORTH_Q);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /** Filters x in place from a zero state (transposed direct form II, which keeps rounding noise low). */
    void process(double[] x) {
        double z1 = 0;
        double z2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double out = b0 * in + z1;
            z1 = b1 * in - a1 * out + z2;
            z2 = b2 * in - a2 * out;
            x[i] = out;
        }
    }

    /**
     * Band-limits x in place to [lowHz, highHz] with two high-pass and two low-pass sections: 24 dB/octave skirts,
     * steep enough that breath noise has little energy outside its band.
     */
    static void bandLimit(double[] x, double lowHz, double highHz, int sampleRate) {
        for (int k = 0; k < 2; k++) {
            highPass(lowHz, sampleRate).process(x);
            lowPass(highHz, sampleRate).process(x);
        }
    }

    /** Scales x to unit RMS (left alone when silent), so that levels elsewhere are plain amplitudes. */
    static void normalise(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        if (sum > 0) {
            double k = 1 / Math.sqrt(sum / x.length);
            for (int i = 0; i < x.length; i++) {
                x[i] *= k;
            }
        }
    }
}
