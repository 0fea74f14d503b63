package io.stethostream.training.data;

import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Cycles per class (in {@link RespiratoryClass} order), and the class weights for weighted cross-entropy. */
public final class ClassCounts {

    private static final int CLASSES = RespiratoryClass.values().length;

    private final long[] counts;

    private ClassCounts(long[] counts) {
        this.counts = counts;
    }

    /** Counts the labels of the given cycles. */
    public static ClassCounts of(Collection<LabelledCycle> cycles) {
        long[] n = new long[CLASSES];
        for (LabelledCycle c : cycles) {
            n[c.label().ordinal()]++;
        }
        return new ClassCounts(n);
    }

    /** From counts in class order (normal, crackle, wheeze, both). */
    public static ClassCounts ofCounts(long... counts) {
        if (counts.length != CLASSES) {
            throw new IllegalArgumentException("expected " + CLASSES + " counts, got " + counts.length);
        }
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count in " + Arrays.toString(counts));
            }
        }
        return new ClassCounts(counts.clone());
    }

    public long count(RespiratoryClass c) {
        return counts[c.ordinal()];
    }

    /** The counts in class order (a copy). */
    public long[] counts() {
        return counts.clone();
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    /**
     * Weights for class-weighted cross-entropy, as the reference's baseline: {@code w_c} proportional to
     * {@code 1 / n_c}, normalised to sum to 1; a class without samples gets weight 0. All zeros when there are no
     * samples at all.
     */
    public double[] inverseFrequencyWeights() {
        return normalisedWeights(false);
    }

    /**
     * Gentler weights than {@link #inverseFrequencyWeights()}: {@code w_c} proportional to {@code 1 / sqrt(n_c)},
     * normalised to sum to 1 the same way; a class without samples gets weight 0.
     */
    public double[] inverseSqrtFrequencyWeights() {
        return normalisedWeights(true);
    }

    /** The weights of {@link #inverseSqrtFrequencyWeights()} as floats. */
    public float[] inverseSqrtFrequencyWeightsAsFloats() {
        return floats(inverseSqrtFrequencyWeights());
    }

    /** w_c proportional to 1/n_c or 1/sqrt(n_c), summing to 1 (0 for an empty class; all zeros without samples). */
    private double[] normalisedWeights(boolean sqrt) {
        double[] w = new double[CLASSES];
        double sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            w[c] = counts[c] == 0 ? 0 : 1.0 / (sqrt ? Math.sqrt(counts[c]) : counts[c]);
            sum += w[c];
        }
        if (sum > 0) {
            for (int c = 0; c < CLASSES; c++) {
                w[c] /= sum;
            }
        }
        return w;
    }

    /** The weights of {@link #inverseFrequencyWeights()} as floats, the form a loss function takes. */
    public float[] inverseFrequencyWeightsAsFloats() {
        return floats(inverseFrequencyWeights());
    }

    private static float[] floats(double[] w) {
        float[] f = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            f[i] = (float) w[i];
        }
        return f;
    }

    /** Class label to count, in class order (for JSON and reports). */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RespiratoryClass c : RespiratoryClass.values()) {
            m.put(c.label(), counts[c.ordinal()]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassCounts other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    /** For example {@code 250 normal / 137 crackle / 81 wheeze / 25 both (493)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (RespiratoryClass c : RespiratoryClass.values()) {
            if (sb.length() > 0) {
                sb.append(" / ");
            }
            sb.append(counts[c.ordinal()]).append(' ').append(c.label());
        }
        return sb.append(" (").append(total()).append(')').toString();
    }
}
