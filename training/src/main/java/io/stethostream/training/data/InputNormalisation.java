package io.stethostream.training.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;

import java.util.List;
import java.util.Locale;

/**
 * The mean and standard deviation of a dataset's log-mel, measured on its own training audio, that the front end
 * normalises with instead of AudioSet's (AST computes them per dataset for the same reason). Why it matters here:
 * stethoscope audio has almost no energy above about 1 kHz, so with AudioSet's statistics the model input sits near
 * -1.15 with a standard deviation of about 0.26, the upper mel bins nearly flat, and the transformer hardly learns even a
 * hundred training examples (docs/results.md, "Why the model did not fit").
 *
 * @param mean mean of the log-mel values (natural log of the mel energies)
 * @param std  their standard deviation; the model input is (x - mean) / (2 std)
 */
public record InputNormalisation(@JsonProperty("mean") double mean, @JsonProperty("std") double std) {

    /** Examples measured at most: evenly spread over the list, enough for two decimals of both figures. */
    public static final int MAX_EXAMPLES = 2000;

    public InputNormalisation {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive finite standard "
                    + "deviation, got mean " + mean + ", std " + std);
        }
    }

    /** The spec's front end with this normalisation. */
    public FeatureSpec applyTo(FeatureSpec spec) {
        return spec.withNormalisation(mean, std);
    }

    /** This normalisation as the spec carries it (to compare with one measured or read elsewhere). */
    public static InputNormalisation of(FeatureSpec spec) {
        return new InputNormalisation(spec.normMean(), spec.normStd());
    }

    /**
     * Measures the log-mel statistics over {@code waveforms} (at the spec's sample rate), each fitted to the window as
     * training fits it ({@code fit}: cropped, or repeated when shorter), at most {@link #MAX_EXAMPLES} of them evenly
     * spread over the list.
     *
     * @throws IllegalArgumentException when the list is empty
     */
    public static InputNormalisation measure(FeatureSpec spec, List<float[]> waveforms, CycleFit fit) {
        if (waveforms.isEmpty()) {
            throw new IllegalArgumentException("no audio to measure the input normalisation on");
        }
        CyclePreparer preparer = new CyclePreparer(spec);
        FeatureExtractor extractor = new FeatureExtractor(spec);
        int n = Math.min(waveforms.size(), MAX_EXAMPLES);
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            // i * size / n: evenly spread, so a list sorted by recording still samples all of it
            float[] x = waveforms.get((int) ((long) i * waveforms.size() / n));
            FeatureMatrix m = extractor.logMel(preparer.fitToLength(x, fit));
            for (float v : m.data()) {
                sum += v;
                squares += (double) v * v;
            }
            count += m.data().length;
        }
        double mean = sum / count;
        double variance = Math.max(0, squares / count - mean * mean);
        return new InputNormalisation(mean, Math.sqrt(variance));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "mean %.4f, std %.4f", mean, std);
    }
}
