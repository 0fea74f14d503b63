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
        normalise(m.data(), m.data(), 0, m.data().length, spec);
        return m;
    }

    /**
     * {@code toTargetLength(normaliseInPlace(logMel), spec)} written into {@code dst} from {@code offset}
     * ({@code targetFrames x bins} values), leaving {@code logMel} unchanged and allocating nothing: for the stream,
     * which keeps each window's log-mel until inference and normalises it with the serving model's statistics.
     */
    public static void modelInputInto(FeatureMatrix logMel, FeatureSpec spec, float[] dst, int offset) {
        int values = spec.targetFrames() * logMel.bins();
        int kept = Math.min(logMel.data().length, values);
        normalise(logMel.data(), dst, offset, kept, spec);
        java.util.Arrays.fill(dst, offset + kept, offset + values, 0f);
    }

    /** dst[offset + i] = (src[i] - mean) / (2 std) for i < n. */
    private static void normalise(float[] src, float[] dst, int offset, int n, FeatureSpec spec) {
        float mean = (float) spec.normMean();
        float scale = (float) (1.0 / (2.0 * spec.normStd()));
        for (int i = 0; i < n; i++) {
            dst[offset + i] = (src[i] - mean) * scale;
        }
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
