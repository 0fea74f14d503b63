package io.stethostream.ingest.synth;

import io.stethostream.ingest.synth.BreathingPattern.Breath;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Adds clusters of crackles to inspirations. Each crackle is a Gaussian-modulated sinusoid: its energy is confined
 * to the annotated window (the envelope is 1% of its peak at the edges) and its peak is at the window's centre.
 * Fine crackles (about 5 ms, 500-900 Hz) cluster in late inspiration, coarse ones (about 15 ms, 150-350 Hz) in early
 * inspiration, as in clinical descriptions.
 */
final class CrackleSynth {

    /** Share of eligible breaths that get a cluster; the first eligible one always does, so none is left empty. */
    static final double BREATH_PROBABILITY = 0.65;
    /** Fraction of clusters made of fine rather than coarse crackles. */
    static final double FINE_PROBABILITY = 0.7;
    /**
     * Peak amplitude range, scaled by the breath's gain: about seven times the breath noise RMS at the loudest
     * point of inspiration, so that every crackle stands out as it does on a stethoscope.
     */
    static final double MIN_AMPLITUDE = 0.5;
    static final double MAX_AMPLITUDE = 0.8;
    /** Silence between neighbouring crackles, so that each stands alone in its window. */
    private static final double GAP = 0.015;

    private CrackleSynth() {
    }

    /** Adds crackles to {@code out} (of length {@code seconds * sampleRate}) and returns their events in order. */
    static List<SyntheticEvent> add(double[] out, int sampleRate, List<Breath> breaths, Random rng) {
        double seconds = out.length / (double) sampleRate;
        List<SyntheticEvent> events = new ArrayList<>();
        boolean placedAny = false;
        for (Breath br : breaths) {
            // Draw for every breath, eligible or not, so that a breath's choices do not depend on earlier ones.
            boolean chosen = rng.nextDouble() < BREATH_PROBABILITY;
            boolean fine = rng.nextDouble() < FINE_PROBABILITY;
            long clusterSeed = rng.nextLong();
            if (br.inspirationEnd() > seconds || !(chosen || !placedAny)) {
                continue;
            }
            List<SyntheticEvent> cluster = cluster(out, sampleRate, br, fine, new Random(clusterSeed));
            events.addAll(cluster);
            placedAny |= !cluster.isEmpty();
        }
        return events;
    }

    private static List<SyntheticEvent> cluster(double[] out, int rate, Breath br, boolean fine, Random rng) {
        double length = br.inspirationLength();
        double windowStart = br.start() + (fine ? 0.40 : 0.05) * length;
        double windowEnd = br.start() + (fine ? 0.95 : 0.50) * length;
        double meanDuration = fine ? 0.004 + 0.002 * rng.nextDouble() : 0.012 + 0.006 * rng.nextDouble();
        double maxDuration = meanDuration * 1.1;
        // Cap the frequency well below Nyquist so that a fine crackle at 4 kHz is still a pulse, not aliasing.
        double frequency = Math.min(fine ? 500 + 400 * rng.nextDouble() : 150 + 200 * rng.nextDouble(), 0.35 * rate);
        int wanted = fine ? 3 + rng.nextInt(6) : 2 + rng.nextInt(4);
        double width = windowEnd - windowStart;
        int n = Math.min(wanted, (int) Math.floor((width + GAP) / (maxDuration + GAP)));
        if (n <= 0) {
            return List.of();
        }
        // n ordered start offsets with at least maxDuration + GAP between them: spread the slack at random.
        double slack = width - n * maxDuration - (n - 1) * GAP;
        double[] offsets = new double[n];
        for (int k = 0; k < n; k++) {
            offsets[k] = slack * rng.nextDouble();
        }
        java.util.Arrays.sort(offsets);
        SyntheticEvent.Type type = fine ? SyntheticEvent.Type.FINE_CRACKLE : SyntheticEvent.Type.COARSE_CRACKLE;
        List<SyntheticEvent> events = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double duration = meanDuration * (0.9 + 0.2 * rng.nextDouble());
            double amplitude = br.gain() * (MIN_AMPLITUDE + (MAX_AMPLITUDE - MIN_AMPLITUDE) * rng.nextDouble())
                    * (rng.nextBoolean() ? 1 : -1);
            int first = (int) Math.ceil((windowStart + offsets[k] + k * (maxDuration + GAP)) * rate);
            int len = Math.max(3, (int) Math.round(duration * rate));
            if (first + len > out.length) {
                break;
            }
            pulse(out, first, len, amplitude, frequency, rate);
            events.add(new SyntheticEvent(type, first / (double) rate, (first + len) / (double) rate, frequency));
        }
        return events;
    }

    /** Adds a Gaussian-modulated cosine filling {@code len} samples: sigma is a sixth of the window. */
    private static void pulse(double[] out, int first, int len, double amplitude, double frequency, int rate) {
        double centre = (len - 1) / 2.0;
        double sigma = len / 6.0;
        for (int j = 0; j < len; j++) {
            double d = j - centre;
            out[first + j] += amplitude * StrictMath.exp(-0.5 * (d / sigma) * (d / sigma))
                    * StrictMath.cos(2 * Math.PI * frequency * d / rate);
        }
    }
}
