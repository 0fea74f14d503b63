package io.stethostream.ingest.features;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.Resampling;

/**
 * The front end as training, the CLI and serving call it: audio at any supported rate in, model-rate log-mel or
 * normalised features out, all from one {@link FeatureSpec}. Not thread-safe (one per thread), cheap to create.
 */
public final class FeatureExtractor {

    private final FeatureSpec spec;
    private final KaldiFbank fbank;

    public FeatureExtractor(FeatureSpec spec) {
        this.spec = spec;
        this.fbank = new KaldiFbank(spec);
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** The clip at the spec's sample rate. */
    public AudioClip toModelRate(AudioClip clip) {
        return Resampling.resample(clip, spec.sampleRate());
    }

    /** Log-mel (before normalisation) of model-rate samples. */
    public FeatureMatrix logMel(float[] modelRateSamples) {
        return fbank.compute(modelRateSamples);
    }

    /** Normalised log-mel of model-rate samples, at their natural length (no padding or cropping). */
    public FeatureMatrix normalised(float[] modelRateSamples) {
        return Normalization.normaliseInPlace(fbank.compute(modelRateSamples), spec);
    }

    /** Model input for one prepared cycle or window: normalised and padded or cropped to the target frames. */
    public FeatureMatrix modelInput(float[] modelRateSamples) {
        return Normalization.toTargetLength(normalised(modelRateSamples), spec);
    }
}
