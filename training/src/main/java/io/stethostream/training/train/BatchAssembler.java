package io.stethostream.training.train;

import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.SpecAugment;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.LabelledCycle;

import java.util.List;
import java.util.Random;

/**
 * Turns cycles into model input: each cycle is fitted to the window length (crop, or repeat with fade-out), run through
 * the shared front end and normalised, optionally SpecAugmented, and laid out as one (B, 1, T, F) float array.
 * The same code serves training and evaluation, so both see exactly what serving computes.
 *
 * <p>Training may add waveform augmentations ({@link WaveformAugment}: on the cycle before the fit, and on the fitted
 * window) before the front end. An assembler {@link #withBandLimit band-limited} passes every cycle through a lower
 * sampling rate first: evaluation on audio as a 4 kHz or 8 kHz stethoscope records it. How short cycles are
 * repeated to the window length is the run's {@link CycleFit} ({@link #withFit}; the reference's tiling by default).
 */
public final class BatchAssembler {

    private final FeatureSpec spec;
    private final CyclePreparer preparer;
    private final FeatureExtractor extractor;
    private final SpecAugment specAugment = SpecAugment.reference();
    private final int bandLimitHz;
    private final CycleFit fit;

    public BatchAssembler(FeatureSpec spec) {
        this(spec, 0, CycleFit.TILE);
    }

    private BatchAssembler(FeatureSpec spec, int bandLimitHz, CycleFit fit) {
        this.spec = spec;
        this.preparer = new CyclePreparer(spec);
        this.extractor = new FeatureExtractor(spec);
        this.bandLimitHz = bandLimitHz;
        this.fit = fit;
    }

    /** This assembler with short cycles repeated to the window length as {@code fit} says. */
    public BatchAssembler withFit(CycleFit fit) {
        return new BatchAssembler(spec, bandLimitHz, java.util.Objects.requireNonNull(fit, "fit"));
    }

    /** How short cycles are repeated to the window length. */
    public CycleFit fit() {
        return fit;
    }

    /**
     * This assembler with every cycle resampled to {@code hz} and back to the model rate before the front end (0: no
     * band limit), as {@code evaluate --band-limit} does.
     *
     * @throws IllegalArgumentException unless 0 or {@value Resampling#MIN_RATE} Hz <= hz < the model rate
     */
    public BatchAssembler withBandLimit(int hz) {
        if (hz != 0 && (hz < Resampling.MIN_RATE || hz >= spec.sampleRate())) {
            throw new IllegalArgumentException("band limit " + hz + " Hz: need a sampling rate from "
                    + Resampling.MIN_RATE + " Hz up to below the model rate " + spec.sampleRate() + " Hz");
        }
        return new BatchAssembler(spec, hz, fit);
    }

    /** The sampling rate every cycle passes through, or 0 for none. */
    public int bandLimitHz() {
        return bandLimitHz;
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
        return features(cycle, WaveformAugment.NONE, null);
    }

    /** Model input of one cycle after the band limit (if any) and the waveform augmentations drawn from random. */
    private FeatureMatrix features(LabelledCycle cycle, WaveformAugment waveform, Random random) {
        float[] x = cycle.samples();
        if (bandLimitHz > 0) {
            x = WaveformAugment.bandLimit(x, spec.sampleRate(), bandLimitHz);
        }
        if (waveform.isNone()) {
            return extractor.modelInput(preparer.fitToLength(x, fit));
        }
        float[] window = preparer.fitToLength(waveform.cycle(x, random), fit);
        return extractor.modelInput(waveform.window(window, random));
    }

    /**
     * The batch as a flat array; {@code augment} (may be null) draws SpecAugment masks per sample.
     */
    public float[] batch(List<LabelledCycle> cycles, Random augment) {
        return batch(cycles, WaveformAugment.NONE, augment != null, augment);
    }

    /**
     * A training batch as a flat array: per sample, in order, the waveform augmentations and then (when
     * {@code withSpecAugment}) SpecAugment, every draw from {@code random} (which may be null when neither is asked
     * for).
     */
    public float[] batch(List<LabelledCycle> cycles, WaveformAugment waveform, boolean withSpecAugment,
                         Random random) {
        if (random == null && (withSpecAugment || !waveform.isNone())) {
            throw new IllegalArgumentException("augmentation needs a random generator");
        }
        int per = perSample();
        float[] out = new float[cycles.size() * per];
        for (int i = 0; i < cycles.size(); i++) {
            FeatureMatrix m = features(cycles.get(i), waveform, random);
            if (withSpecAugment) {
                m = specAugment.apply(m, random);
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
