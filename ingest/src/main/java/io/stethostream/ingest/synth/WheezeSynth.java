package io.stethostream.ingest.synth;

import io.stethostream.ingest.synth.BreathingPattern.Breath;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Adds wheezes: sustained tones of 250-600 ms with a fundamental of 150-650 Hz, a slight linear glide and two
 * harmonics, faded in and out, mostly in expiration (where airway narrowing makes them most common).
 */
final class WheezeSynth {

    /** Share of eligible breaths that get a wheeze; the first eligible one always does. */
    static final double BREATH_PROBABILITY = 0.65;
    static final double EXPIRATION_PROBABILITY = 0.7;
    /** A phase shorter than this cannot hold a wheeze of the minimum length with room around it. */
    private static final double MIN_PHASE = 0.2;
    /** Fade length: long enough that the onset is not heard as a click. */
    private static final double FADE = 0.025;
    /** Largest relative deviation of the glide from the mean fundamental, at either end of the wheeze. */
    static final double MAX_GLIDE = 0.06;

    private WheezeSynth() {
    }

    /** Adds wheezes to {@code out} and returns their events in order. */
    static List<SyntheticEvent> add(double[] out, int sampleRate, List<Breath> breaths, Random rng) {
        double seconds = out.length / (double) sampleRate;
        List<SyntheticEvent> events = new ArrayList<>();
        for (Breath br : breaths) {
            boolean chosen = rng.nextDouble() < BREATH_PROBABILITY;
            boolean expiration = rng.nextDouble() < EXPIRATION_PROBABILITY;
            long wheezeSeed = rng.nextLong();
            double phaseStart = expiration ? br.inspirationEnd() : br.start();
            double phaseEnd = expiration ? br.expirationEnd() : br.inspirationEnd();
            double phase = phaseEnd - phaseStart;
            if (phaseEnd > seconds || phase < MIN_PHASE || !(chosen || events.isEmpty())) {
                continue;
            }
            events.add(wheeze(out, sampleRate, br.gain(), phaseStart, phase, new Random(wheezeSeed)));
        }
        return events;
    }

    private static SyntheticEvent wheeze(double[] out, int rate, double gain, double phaseStart, double phase,
                                         Random rng) {
        double duration = Math.min(0.25 + 0.35 * rng.nextDouble(), 0.8 * phase);
        double start = phaseStart + (phase - duration) * (0.2 + 0.6 * rng.nextDouble());
        double f0 = 150 + 500 * rng.nextDouble();
        double glide = MAX_GLIDE * (2 * rng.nextDouble() - 1);
        double amplitude = gain * (0.10 + 0.08 * rng.nextDouble());
        double h2 = 0.3 + 0.3 * rng.nextDouble();
        // The third harmonic only where it stays clear of Nyquist (it would alias at 4 kHz for high fundamentals).
        double h3 = 3 * f0 * (1 + MAX_GLIDE) < 0.45 * rate ? 0.1 + 0.2 * rng.nextDouble() : 0;
        int first = (int) Math.ceil(start * rate);
        int len = (int) Math.round(duration * rate);
        int fade = (int) Math.round(FADE * rate);
        double phi = 0;
        for (int j = 0; j < len; j++) {
            double u = j / (double) len;
            double f = f0 * (1 + glide * (2 * u - 1));
            double w = 1;
            if (j < fade) {
                w = 0.5 - 0.5 * StrictMath.cos(Math.PI * j / fade);
            } else if (j >= len - fade) {
                w = 0.5 - 0.5 * StrictMath.cos(Math.PI * (len - 1 - j) / fade);
            }
            out[first + j] += amplitude * w
                    * (StrictMath.sin(phi) + h2 * StrictMath.sin(2 * phi) + h3 * StrictMath.sin(3 * phi));
            // Integrate the instantaneous frequency so that the glide has no phase jumps.
            phi += 2 * Math.PI * f / rate;
            if (phi > 2 * Math.PI) {
                phi -= 2 * Math.PI;
            }
        }
        return new SyntheticEvent(SyntheticEvent.Type.WHEEZE, first / (double) rate, (first + len) / (double) rate,
                f0);
    }
}
