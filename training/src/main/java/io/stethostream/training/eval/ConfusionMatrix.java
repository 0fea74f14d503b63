package io.stethostream.training.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.Arrays;
import java.util.List;

/**
 * Counts of (true class, predicted class) over the four ICBHI classes; rows are true classes, columns predictions,
 * both in {@link RespiratoryClass} order. Mutable and not thread-safe: give each thread its own and {@link #merge}.
 * In JSON: {@code {"classes": ["normal", ...], "counts": [[...], ...]}}.
 */
@JsonIgnoreProperties(value = "classes", allowGetters = true)
public final class ConfusionMatrix {

    /** Number of classes. */
    public static final int CLASSES = RespiratoryClass.values().length;

    /** Class labels in index order, as written in JSON and on plots. */
    public static final List<String> CLASS_LABELS =
            Arrays.stream(RespiratoryClass.values()).map(RespiratoryClass::label).toList();

    private final long[][] counts = new long[CLASSES][CLASSES];

    /** An empty matrix. */
    public ConfusionMatrix() {
    }

    /**
     * A matrix with the given counts (rows true, columns predicted).
     *
     * @throws IllegalArgumentException when not 4 x 4 or a count is negative
     */
    @JsonCreator
    public static ConfusionMatrix of(@JsonProperty("counts") long[][] counts) {
        if (counts == null || counts.length != CLASSES) {
            throw new IllegalArgumentException("a confusion matrix has " + CLASSES + " rows");
        }
        ConfusionMatrix m = new ConfusionMatrix();
        for (int t = 0; t < CLASSES; t++) {
            if (counts[t] == null || counts[t].length != CLASSES) {
                throw new IllegalArgumentException("row " + t + " of a confusion matrix must have " + CLASSES
                        + " columns");
            }
            for (int p = 0; p < CLASSES; p++) {
                if (counts[t][p] < 0) {
                    throw new IllegalArgumentException("negative count at row " + t + ", column " + p);
                }
                m.counts[t][p] = counts[t][p];
            }
        }
        return m;
    }

    /** Counts one cycle; classes are indices 0..3. */
    public ConfusionMatrix add(int trueClass, int predictedClass) {
        return add(trueClass, predictedClass, 1);
    }

    /** Counts {@code n} cycles of the same true and predicted class. */
    public ConfusionMatrix add(int trueClass, int predictedClass, long n) {
        check(trueClass, "true class");
        check(predictedClass, "predicted class");
        if (n < 0) {
            throw new IllegalArgumentException("cannot add a negative count " + n);
        }
        counts[trueClass][predictedClass] += n;
        return this;
    }

    public ConfusionMatrix add(RespiratoryClass trueClass, RespiratoryClass predictedClass) {
        return add(trueClass.ordinal(), predictedClass.ordinal());
    }

    /** Adds another matrix's counts to this one; returns this. */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        for (int t = 0; t < CLASSES; t++) {
            for (int p = 0; p < CLASSES; p++) {
                counts[t][p] += other.counts[t][p];
            }
        }
        return this;
    }

    /** An independent copy. */
    public ConfusionMatrix copy() {
        return new ConfusionMatrix().merge(this);
    }

    /** Cycles of true class {@code t} predicted as {@code p}. */
    public long get(int t, int p) {
        return counts[t][p];
    }

    /** Cycles of true class {@code t}. */
    public long rowTotal(int t) {
        return Arrays.stream(counts[t]).sum();
    }

    /** All counted cycles. */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            n += Arrays.stream(row).sum();
        }
        return n;
    }

    /** The counts, rows true and columns predicted (a copy). */
    @JsonProperty("counts")
    public long[][] counts() {
        long[][] out = new long[CLASSES][];
        for (int t = 0; t < CLASSES; t++) {
            out[t] = counts[t].clone();
        }
        return out;
    }

    @JsonProperty("classes")
    public List<String> classes() {
        return CLASS_LABELS;
    }

    private static void check(int c, String what) {
        if (c < 0 || c >= CLASSES) {
            throw new IllegalArgumentException(what + " must be 0.." + (CLASSES - 1) + ", got " + c);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }
}
