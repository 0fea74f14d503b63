package io.stethostream.training.train;

import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.SpecAugment;
import io.stethostream.training.data.LabelledCycle;

import java.util.List;
import java.util.Random;

/**
 * Turns cycles into model input: each cycle is fitted to the window length (crop, or tile with fade-out), run through
 * the shared front end and normalised, optionally SpecAugmented, and laid out as one (B, 1, T, F) float array.
 * The same code serves training and evaluation, so both see exactly what serving computes.
 */
public final class BatchAssembler {

    private final FeatureSpec spec;
    private final CyclePreparer preparer;
    private final FeatureExtractor extractor;
    private final SpecAugment specAugment = SpecAugment.reference();

    public BatchAssembler(FeatureSpec spec) {
        this.spec = spec;
        this.preparer = new CyclePreparer(spec);
        this.extractor = new FeatureExtractor(spec);
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Values per sample: frames x mel bins. */
    public int perSample() {
        return spec.targetFrames() * spec.melBins();
    }

    /** Model input of one cycle. */
    public FeatureMatrix features(LabelledCycle cycle) {
        return extractor.modelInput(preparer.fitToLength(cycle.samples()));
    }

    /**
     * The batch as a flat array; {@code augment} (may be null) draws SpecAugment masks per sample.
     */
    public float[] batch(List<LabelledCycle> cycles, Random augment) {
        int per = perSample();
        float[] out = new float[cycles.size() * per];
        for (int i = 0; i < cycles.size(); i++) {
            FeatureMatrix m = features(cycles.get(i));
            if (augment != null) {
                m = specAugment.apply(m, augment);
            }
            System.arraycopy(m.data(), 0, out, i * per, per);
        }
        return out;
    }

    /** Class indices of the cycles. */
    public static int[] labels(List<LabelledCycle> cycles) {
        int[] y = new int[cycles.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = cycles.get(i).label().ordinal();
        }
        return y;
    }
}
