package io.stethostream.ingest.synth;

/** Measurements for tests, written independently of the generator's own maths. */
final class Signals {

    private Signals() {
    }

    static int index(double seconds, int rate) {
        return (int) Math.round(seconds * rate);
    }

    static double rms(float[] x, int from, int to) {
        from = Math.max(0, from);
        to = Math.min(x.length, to);
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s / Math.max(1, to - from));
    }

    static double rms(float[] x) {
        return rms(x, 0, x.length);
    }

    static double peak(float[] x, int from, int to) {
        double p = 0;
        for (int i = Math.max(0, from); i < Math.min(x.length, to); i++) {
            p = Math.max(p, Math.abs(x[i]));
        }
        return p;
    }

    /** x[from, to) under a Hann window, which keeps a strong peak from leaking into distant bins. */
    static double[] hann(float[] x, int from, int to) {
        int n = to - from;
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = (0.5 - 0.5 * Math.cos(2 * Math.PI * j / (n - 1))) * x[from + j];
        }
        return w;
    }

    /** Power of a windowed block at one frequency (Goertzel: a single DFT bin at an arbitrary frequency). */
    static double goertzel(double[] w, double hz, int rate) {
        double c = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (double v : w) {
            double s0 = v + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2;
    }

    /** Power of x[from, to) at one frequency after a Hann window. */
    static double power(float[] x, int from, int to, double hz, int rate) {
        return goertzel(hann(x, from, to), hz, rate);
    }

    /** Power spectrum of x[from, to) on a grid from lowHz to highHz in steps of stepHz. */
    static double[] spectrum(float[] x, int from, int to, double lowHz, double highHz, double stepHz, int rate) {
        double[] w = hann(x, from, to);
        int bins = (int) Math.floor((highHz - lowHz) / stepHz) + 1;
        double[] p = new double[bins];
        for (int k = 0; k < bins; k++) {
            p[k] = goertzel(w, lowHz + k * stepHz, rate);
        }
        return p;
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    static double median(double[] p) {
        double[] s = p.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Fraction of the signal's energy passed by two one-pole low-pass stages at cutoffHz. */
    static double lowFrequencyFraction(float[] x, double cutoffHz, int rate) {
        double a = 1 - Math.exp(-2 * Math.PI * cutoffHz / rate);
        double y1 = 0;
        double y2 = 0;
        double low = 0;
        double all = 0;
        for (float v : x) {
            y1 += a * (v - y1);
            y2 += a * (y1 - y2);
            low += y2 * y2;
            all += (double) v * v;
        }
        return low / all;
    }
}
