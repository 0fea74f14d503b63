package io.stethostream.ingest.features;

import java.util.Arrays;

/**
 * A (frames x bins) float matrix in row-major order: one row per 10 ms frame, one column per mel bin. This is the
 * layout of the model input (time x mel) and of the {@code .npy} files the CLI writes.
 */
public record FeatureMatrix(int frames, int bins, float[] data) {

    public FeatureMatrix {
        if (frames < 0 || bins < 1 || data.length != frames * bins) {
            throw new IllegalArgumentException("matrix " + frames + " x " + bins + " needs " + frames * bins
                    + " values, got " + data.length);
        }
    }

    public static FeatureMatrix zeros(int frames, int bins) {
        return new FeatureMatrix(frames, bins, new float[frames * bins]);
    }

    public float get(int frame, int bin) {
        return data[frame * bins + bin];
    }

    public void set(int frame, int bin, float value) {
        data[frame * bins + bin] = value;
    }

    public FeatureMatrix copy() {
        return new FeatureMatrix(frames, bins, data.clone());
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a new matrix. */
    public FeatureMatrix rows(int from, int to) {
        return new FeatureMatrix(to - from, bins, Arrays.copyOfRange(data, from * bins, to * bins));
    }

    /** Mean of all values. */
    public double mean() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        return data.length == 0 ? 0 : s / data.length;
    }
}
