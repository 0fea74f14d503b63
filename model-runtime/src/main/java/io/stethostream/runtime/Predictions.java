package io.stethostream.runtime;

import java.util.List;

/**
 * The model's outputs for one batch.
 *
 * @param logits        (batch, classes)
 * @param probabilities (batch, classes), each row summing to 1
 * @param labels        class labels in output order
 */
public record Predictions(float[][] logits, float[][] probabilities, List<String> labels) {

    public int batch() {
        return logits.length;
    }

    /** Index of the most probable class of sample {@code i} (the first on ties). */
    public int argmax(int i) {
        float[] p = logits[i];
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Label of the most probable class of sample {@code i}. */
    public String label(int i) {
        return labels.get(argmax(i));
    }
}
