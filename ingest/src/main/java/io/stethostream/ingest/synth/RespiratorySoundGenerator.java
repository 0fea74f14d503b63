package io.stethostream.ingest.synth;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.synth.BreathingPattern.Breath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Generates synthetic respiratory sounds with exact ground truth, for tests, demos and pipeline checks.
 *
 * <p>Determinism: the same {@link SynthParameters} always give bit-identical samples. Every component (breathing,
 * noise, crackles, wheezes, artefacts) draws from its own stream derived from the seed, so recordings of different
 * kinds with the same seed share the same breathing and breath noise: a crackle recording differs from the normal one
 * only inside its crackle events.
 */
public final class RespiratorySoundGenerator {

    /** RMS of breath noise at the peak of an average inspiration: a quiet but clearly audible stethoscope level. */
    public static final double BREATH_LEVEL = 0.07;
    /** Poor contact couples less sound from the chest. */
    static final double POOR_CONTACT_BREATH_LEVEL = 0.6;
    /** RMS of the sensor noise floor added to every kind: about -94 dBFS, under one 16-bit step. */
    public static final double NOISE_FLOOR = 2e-5;
    /** A final cycle shorter than this is merged into the one before, so no annotated cycle is a sliver. */
    static final double MIN_CYCLE = 0.05;
    /** Above this magnitude a soft knee bends samples toward, but never to, full scale. */
    private static final double KNEE = 0.9;

    // Stream identifiers: fixed forever, since changing one changes every recording made with a given seed.
    private static final int BREATHING = 1;
    private static final int BREATH_NOISE = 2;
    private static final int CRACKLES = 3;
    private static final int WHEEZES = 4;
    private static final int ARTEFACTS = 5;
    private static final int FLOOR = 6;

    private RespiratorySoundGenerator() {
    }

    /** Generates one recording. */
    public static SyntheticRecording generate(SynthParameters p) {
        int rate = p.sampleRate();
        int n = p.sampleCount();
        double seconds = n / (double) rate;
        double[] x = new double[n];
        List<SyntheticEvent> events = new ArrayList<>();
        List<Cycle> cycles = List.of();

        if (p.kind().hasBreathing()) {
            List<Breath> breaths = BreathingPattern.plan(seconds, p.breathsPerMinute(), stream(p.seed(), BREATHING));
            double level = p.kind() == SoundKind.POOR ? BREATH_LEVEL * POOR_CONTACT_BREATH_LEVEL : BREATH_LEVEL;
            VesicularNoise.add(x, BreathingPattern.envelope(breaths, n, rate), level, rate,
                    stream(p.seed(), BREATH_NOISE));
            if (p.kind().hasCrackles()) {
                events.addAll(CrackleSynth.add(x, rate, breaths, stream(p.seed(), CRACKLES)));
            }
            if (p.kind().hasWheezes()) {
                events.addAll(WheezeSynth.add(x, rate, breaths, stream(p.seed(), WHEEZES)));
            }
            if (p.kind() == SoundKind.POOR) {
                events.addAll(ContactArtefacts.apply(x, rate, stream(p.seed(), ARTEFACTS)));
            }
            events.sort(Comparator.comparingDouble(SyntheticEvent::start));
            cycles = cycles(breaths, seconds, events);
        }

        Random floor = stream(p.seed(), FLOOR);
        // Triangular noise (the difference of two uniforms), like converter dither; sqrt(6) gives it unit variance.
        double floorScale = NOISE_FLOOR * Math.sqrt(6);
        float[] samples = new float[n];
        for (int i = 0; i < n; i++) {
            double v = x[i] + floorScale * (floor.nextDouble() - floor.nextDouble());
            // Poor contact clips for real (flat tops at full scale are the artefact); everything else is kept inside
            // full scale by a knee that leaves samples below 0.9, and so the rest of the recording, untouched.
            samples[i] = (float) (p.kind() == SoundKind.POOR ? Math.max(-1, Math.min(1, v)) : softKnee(v));
        }
        String source = "synthetic:" + p.kind().label() + ":seed=" + p.seed();
        return new SyntheticRecording(new AudioClip(samples, rate, source), p, cycles, events);
    }

    /**
     * One cycle per breath, from its start to its end or the end of the recording, flagged by the events inside.
     * Cycles tile [0, seconds] without gaps or overlap.
     */
    static List<Cycle> cycles(List<Breath> breaths, double seconds, List<SyntheticEvent> events) {
        List<double[]> spans = new ArrayList<>();
        for (Breath b : breaths) {
            if (b.start() >= seconds) {
                break;
            }
            spans.add(new double[] {b.start(), Math.min(b.end(), seconds)});
        }
        int last = spans.size() - 1;
        if (last > 0 && spans.get(last)[1] - spans.get(last)[0] < MIN_CYCLE) {
            spans.remove(last);
            spans.get(last - 1)[1] = seconds;
        }
        List<Cycle> cycles = new ArrayList<>(spans.size());
        for (double[] s : spans) {
            boolean crackles = events.stream().anyMatch(e -> e.type().isCrackle() && overlaps(e, s[0], s[1]));
            boolean wheezes = events.stream().anyMatch(e -> e.type().isWheeze() && overlaps(e, s[0], s[1]));
            cycles.add(new Cycle(s[0], s[1], crackles, wheezes));
        }
        return cycles;
    }

    private static boolean overlaps(SyntheticEvent e, double start, double end) {
        return e.start() < end && e.end() > start;
    }

    static double softKnee(double v) {
        double a = Math.abs(v);
        if (a <= KNEE) {
            return v;
        }
        return Math.signum(v) * (KNEE + (1 - KNEE) * StrictMath.tanh((a - KNEE) / (1 - KNEE)));
    }

    /**
     * An independent random stream per component: the seed and stream id are mixed with the SplitMix64 finaliser so
     * that neighbouring seeds give unrelated streams. {@link Random} is used because its algorithm is specified, so
     * output is the same on every JVM.
     */
    static Random stream(long seed, int id) {
        long z = seed + id * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }
}
