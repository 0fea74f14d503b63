package io.stethostream.ingest.features;

/** The model-input side of the front end: AudioSet normalisation and padding or cropping to the target length. */
public final class Normalization {

    private Normalization() {
    }

    /**
     * (x - mean) / (2 std) in place; returns the same matrix. In float arithmetic (within an ulp or two of the double
     * formula) because this loop vectorises and runs for every streamed window.
     */
    public static FeatureMatrix normaliseInPlace(FeatureMatrix m, FeatureSpec spec) {
        float[] d = m.data();
        float mean = (float) spec.normMean();
        float scale = (float) (1.0 / (2.0 * spec.normStd()));
        for (int i = 0; i < d.length; i++) {
            d[i] = (d[i] - mean) * scale;
        }
        return m;
    }

    /**
     * Exactly {@code spec.targetFrames()} rows: longer inputs keep their first rows, shorter ones are padded with zero
     * rows at the end (the AST reference pads the normalised matrix with zeros).
     */
    public static FeatureMatrix toTargetLength(FeatureMatrix m, FeatureSpec spec) {
        int target = spec.targetFrames();
        if (m.frames() == target) {
            return m;
        }
        if (m.frames() > target) {
            return m.rows(0, target);
        }
        float[] d = java.util.Arrays.copyOf(m.data(), target * m.bins());
        return new FeatureMatrix(target, m.bins(), d);
    }
}
