package io.stethostream.ingest.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Plans breaths (inspiration, expiration, pause) and turns them into an amplitude envelope for breath noise. Pure
 * maths over the given random stream.
 */
final class BreathingPattern {

    /** Expiratory vesicular sound is quieter than inspiratory; 0.55 is in the range reported by auscultation texts. */
    static final double EXPIRATION_LEVEL = 0.55;
    /** A trace of sound in the pause, so that it is quiet rather than digitally dead. */
    static final double PAUSE_LEVEL = 0.03;
    /** Breaths vary in period by up to this fraction either way, as real breathing does. */
    private static final double PERIOD_JITTER = 0.08;

    /**
     * One planned breath; boundaries are whole milliseconds so that they survive the 3-decimal annotation exactly.
     * The last breath may run past the end of the recording.
     *
     * @param gain loudness of this breath relative to the mean, 0.85 to 1.15
     */
    record Breath(double start, double inspirationEnd, double expirationEnd, double end, double gain) {
        double inspirationLength() {
            return inspirationEnd - start;
        }

        double expirationLength() {
            return expirationEnd - inspirationEnd;
        }
    }

    private BreathingPattern() {
    }

    /** Breaths from time 0 (the onset of an inspiration) until they cover {@code seconds}. */
    static List<Breath> plan(double seconds, double breathsPerMinute, Random rng) {
        double meanPeriod = 60.0 / breathsPerMinute;
        List<Breath> breaths = new ArrayList<>();
        double t = 0;
        while (t < seconds) {
            double period = meanPeriod * (1 + PERIOD_JITTER * (2 * rng.nextDouble() - 1));
            double inspirationFraction = 0.36 + 0.06 * rng.nextDouble();
            double expirationFraction = 0.43 + 0.07 * rng.nextDouble();
            double gain = 0.85 + 0.30 * rng.nextDouble();
            double inspirationEnd = millis(t + period * inspirationFraction);
            double expirationEnd = millis(t + period * (inspirationFraction + expirationFraction));
            double end = millis(t + period);
            breaths.add(new Breath(t, inspirationEnd, expirationEnd, end, gain));
            t = end;
        }
        return breaths;
    }

    /**
     * The envelope at each of {@code n} samples: a half-sine over inspiration, a quieter half-sine over expiration, a
     * trace in the pause, each scaled by the breath's gain. The half-sines start and end at zero, so phases join
     * without clicks.
     */
    static double[] envelope(List<Breath> breaths, int n, int sampleRate) {
        double[] env = new double[n];
        int b = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRate;
            while (b < breaths.size() - 1 && t >= breaths.get(b).end()) {
                b++;
            }
            Breath br = breaths.get(b);
            double shape;
            if (t < br.inspirationEnd()) {
                shape = StrictMath.sin(Math.PI * (t - br.start()) / br.inspirationLength());
            } else if (t < br.expirationEnd()) {
                shape = EXPIRATION_LEVEL * StrictMath.sin(Math.PI * (t - br.inspirationEnd()) / br.expirationLength());
            } else {
                shape = 0;
            }
            env[i] = br.gain() * (PAUSE_LEVEL + (1 - PAUSE_LEVEL) * shape);
        }
        return env;
    }

    static double millis(double seconds) {
        return Math.round(seconds * 1000.0) / 1000.0;
    }
}
