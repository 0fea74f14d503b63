package io.stethostream.ingest.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Poor stethoscope contact, applied over the breath sound: friction bursts, low-frequency thumps, pressure surges
 * that clip, and dropouts. Events never overlap, so each one's ground truth is unspoilt by another. The caller clamps
 * the result to [-1, 1] afterwards; that hard clamp is what makes surges and strong thumps clip.
 */
final class ContactArtefacts {

    /** Space kept between artefacts. */
    private static final double MARGIN = 0.05;
    /** Attempts to find a free place for one artefact before giving up on it (a short clip fills up). */
    private static final int PLACEMENT_TRIES = 40;
    /** Ramp at the edges of a dropout: contact fades out over a few milliseconds rather than being cut. */
    private static final double DROPOUT_RAMP = 0.005;

    private ContactArtefacts() {
    }

    /** Applies artefacts to {@code x} in place and returns their events, ordered by start. */
    static List<SyntheticEvent> apply(double[] x, int rate, Random rng) {
        double seconds = x.length / (double) rate;
        double tens = seconds / 10.0;
        List<SyntheticEvent> events = new ArrayList<>();
        // The order of placement is the order of importance: every poor clip gets at least one surge, thump and
        // dropout when they fit, before friction fills the gaps.
        int surges = Math.max(1, (int) Math.round(tens));
        for (int k = 0; k < surges; k++) {
            place(events, seconds, 0.3 + 0.5 * rng.nextDouble(), rng).ifPresent(w -> {
                double amplitude = (1.3 + 0.5 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
                surge(x, rate, w, amplitude, 2 + 2 * rng.nextDouble());
                events.add(new SyntheticEvent(SyntheticEvent.Type.CLIPPING, w.start, w.end, 0));
            });
        }
        int thumps = Math.max(1, (int) Math.round(tens * (1 + rng.nextInt(2))));
        for (int k = 0; k < thumps; k++) {
            place(events, seconds, 0.15 + 0.2 * rng.nextDouble(), rng).ifPresent(w -> {
                double f = 12 + 28 * rng.nextDouble();
                thump(x, rate, w, (1.1 + 0.7 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1), f);
                events.add(new SyntheticEvent(SyntheticEvent.Type.THUMP, w.start, w.end, f));
            });
        }
        List<Window> dropouts = new ArrayList<>();
        int nDropouts = Math.max(1, (int) Math.round(tens));
        for (int k = 0; k < nDropouts; k++) {
            place(events, seconds, 0.15 + 0.35 * rng.nextDouble(), rng).ifPresent(w -> {
                dropouts.add(w);
                events.add(new SyntheticEvent(SyntheticEvent.Type.DROPOUT, w.start, w.end, 0));
            });
        }
        int frictions = Math.max(1, (int) Math.round(tens * (2 + rng.nextInt(2))));
        for (int k = 0; k < frictions; k++) {
            place(events, seconds, 0.1 + 0.3 * rng.nextDouble(), rng).ifPresent(w -> {
                friction(x, rate, w, 0.3 + 0.2 * rng.nextDouble(), 6 + 9 * rng.nextDouble(), rng.nextLong());
                events.add(new SyntheticEvent(SyntheticEvent.Type.FRICTION, w.start, w.end, 0));
            });
        }
        // Dropouts last: losing contact silences whatever else was there.
        for (Window w : dropouts) {
            dropout(x, rate, w);
        }
        events.sort(Comparator.comparingDouble(SyntheticEvent::start));
        return events;
    }

    /** A placed span, in whole milliseconds. */
    private record Window(double start, double end) {
    }

    private static Optional<Window> place(List<SyntheticEvent> taken, double seconds, double wanted,
                                                    Random rng) {
        double duration = Math.min(wanted, 0.25 * seconds);
        for (int attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
            double start = BreathingPattern.millis((seconds - duration) * rng.nextDouble());
            double end = BreathingPattern.millis(start + duration);
            if (end <= start || end > seconds) {
                continue;
            }
            boolean free = taken.stream().noneMatch(e -> start < e.end() + MARGIN && end > e.start() - MARGIN);
            if (free) {
                return Optional.of(new Window(start, end));
            }
        }
        return Optional.empty();
    }

    private static int first(Window w, int rate) {
        return (int) Math.ceil(w.start * rate);
    }

    private static int last(Window w, int rate, int n) {
        return Math.min(n, (int) Math.floor(w.end * rate));
    }

    /** A slow half-sine pressure swell larger than full scale; the content rides on it, amplified threefold. */
    private static void surge(double[] x, int rate, Window w, double amplitude, double gain) {
        int a = first(w, rate);
        int b = last(w, rate, x.length);
        for (int i = a; i < b; i++) {
            double u = (i - a) / (double) (b - a);
            double shape = StrictMath.sin(Math.PI * u);
            x[i] = x[i] * (1 + (gain - 1) * shape) + amplitude * shape;
        }
    }

    /** An exponentially damped low-frequency sinusoid: the chest piece knocked against the chest. */
    private static void thump(double[] x, int rate, Window w, double amplitude, double frequency) {
        int a = first(w, rate);
        int b = last(w, rate, x.length);
        double tau = (b - a) / 5.0;
        for (int i = a; i < b; i++) {
            int j = i - a;
            x[i] += amplitude * StrictMath.exp(-j / tau) * StrictMath.sin(2 * Math.PI * frequency * j / rate);
        }
    }

    /** Broadband noise (200 Hz up to 3 kHz or near Nyquist) pulsed at a stroke rate: skin or cloth rubbing. */
    private static void friction(double[] x, int rate, Window w, double level, double strokeHz, long seed) {
        int a = first(w, rate);
        int b = last(w, rate, x.length);
        double[] noise = new double[b - a];
        Random rng = new Random(seed);
        for (int j = 0; j < noise.length; j++) {
            noise[j] = rng.nextGaussian();
        }
        Biquad.bandLimit(noise, 200, Math.min(3000, 0.4 * rate), rate);
        Biquad.normalise(noise);
        for (int j = 0; j < noise.length; j++) {
            double u = j / (double) noise.length;
            double window = StrictMath.sin(Math.PI * u);
            double strokes = 0.4 + 0.6 * Math.abs(StrictMath.sin(Math.PI * strokeHz * j / rate));
            x[a + j] += level * window * strokes * noise[j];
        }
    }

    /** Fades the signal to nothing over the window, with short ramps at its edges. */
    private static void dropout(double[] x, int rate, Window w) {
        int a = first(w, rate);
        int b = last(w, rate, x.length);
        int ramp = Math.max(1, (int) Math.round(DROPOUT_RAMP * rate));
        for (int i = a; i < b; i++) {
            int edge = Math.min(i - a, b - 1 - i);
            double g = edge >= ramp ? 0 : 0.5 + 0.5 * StrictMath.cos(Math.PI * edge / ramp);
            x[i] *= g;
        }
    }
}
