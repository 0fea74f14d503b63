package io.stethostream.ingest.features;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every parameter of the front end in one value. Training writes it into the model file and serving reads it back,
 * so the two can never disagree; nothing else in the pipeline holds a feature constant of its own.
 *
 * <p>The defaults ({@link #PATCH_MIX}) are the Patch-Mix / AST reference: torchaudio's Kaldi fbank with
 * {@code htk_compat=True, use_energy=False, window_type='hanning', num_mel_bins=128, dither=0, frame_shift=10}, the
 * AudioSet normalisation {@code (x - mean) / (2 * std)}, 8 s cycles of 798 frames.
 *
 * @param version         format version of this JSON value (currently 1)
 * @param sampleRate      model rate in Hz; audio is resampled to it first
 * @param frameLengthMs   analysis frame length in milliseconds (Kaldi frame_length)
 * @param frameShiftMs    hop between frames in milliseconds (Kaldi frame_shift)
 * @param melBins         number of triangular mel filters
 * @param lowFreq         lowest mel filter edge in Hz
 * @param highFreq        highest mel filter edge in Hz; 0 or negative counts from the Nyquist frequency, as in Kaldi
 * @param preemphasis     pre-emphasis coefficient
 * @param removeDcOffset  subtract each frame's mean before pre-emphasis
 * @param window          analysis window; only "hanning" (Kaldi's symmetric Hann) is implemented
 * @param logFloor        energies are floored here before the log (float32 machine epsilon in Kaldi)
 * @param normMean        normalisation mean (AudioSet statistic)
 * @param normStd         normalisation standard deviation; features are (x - mean) / (2 * std)
 * @param targetFrames    frames per model input (798 = 8 s); shorter inputs are zero-padded, longer ones cropped
 * @param windowSeconds   length of a cycle or streaming window in seconds
 * @param hopSeconds      hop between streaming windows in seconds
 * @param fadeSeconds     linear fade applied to whole recordings and to the end of repeat-padded cycles
 */
public record FeatureSpec(
        @JsonProperty("version") int version,
        @JsonProperty("sampleRate") int sampleRate,
        @JsonProperty("frameLengthMs") double frameLengthMs,
        @JsonProperty("frameShiftMs") double frameShiftMs,
        @JsonProperty("melBins") int melBins,
        @JsonProperty("lowFreq") double lowFreq,
        @JsonProperty("highFreq") double highFreq,
        @JsonProperty("preemphasis") double preemphasis,
        @JsonProperty("removeDcOffset") boolean removeDcOffset,
        @JsonProperty("window") String window,
        @JsonProperty("logFloor") double logFloor,
        @JsonProperty("normMean") double normMean,
        @JsonProperty("normStd") double normStd,
        @JsonProperty("targetFrames") int targetFrames,
        @JsonProperty("windowSeconds") double windowSeconds,
        @JsonProperty("hopSeconds") double hopSeconds,
        @JsonProperty("fadeSeconds") double fadeSeconds) {

    public static final int CURRENT_VERSION = 1;

    /** float32 machine epsilon, Kaldi's and torchaudio's log floor. */
    public static final double FLOAT_EPSILON = 1.1920928955078125e-07;

    /** The Patch-Mix CL / AST reference configuration. */
    public static final FeatureSpec PATCH_MIX = new FeatureSpec(CURRENT_VERSION, 16_000, 25.0, 10.0, 128, 20.0, 0.0,
            0.97, true, "hanning", FLOAT_EPSILON, -4.2677393, 4.5689974, 798, 8.0, 2.0, 0.0625);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true);

    /** Validates every field; an invalid spec (from a corrupt model file, say) fails here with the field named. */
    public FeatureSpec {
        require(version == CURRENT_VERSION, "version", version + " (this build reads version " + CURRENT_VERSION + ")");
        require(sampleRate >= 4_000 && sampleRate <= 48_000, "sampleRate", sampleRate);
        require(frameLengthMs > 0 && frameShiftMs > 0, "frameLengthMs/frameShiftMs", frameLengthMs + "/" + frameShiftMs);
        int frameLength = (int) (sampleRate * frameLengthMs / 1000.0);
        require(frameLength >= 16 && frameLength <= 8192, "frameLengthMs", frameLengthMs);
        require((int) (sampleRate * frameShiftMs / 1000.0) >= 1, "frameShiftMs", frameShiftMs);
        require(melBins >= 1 && melBins <= 512, "melBins", melBins);
        double nyquist = sampleRate / 2.0;
        double high = highFreq > 0 ? highFreq : nyquist + highFreq;
        require(lowFreq >= 0 && high > lowFreq && high <= nyquist, "lowFreq/highFreq", lowFreq + "/" + highFreq);
        require(preemphasis >= 0 && preemphasis < 1, "preemphasis", preemphasis);
        require("hanning".equals(window), "window", window + " (only \"hanning\" is implemented)");
        require(logFloor > 0 && Double.isFinite(logFloor), "logFloor", logFloor);
        require(Double.isFinite(normMean), "normMean", normMean);
        require(normStd > 0 && Double.isFinite(normStd), "normStd", normStd);
        require(targetFrames >= 1, "targetFrames", targetFrames);
        require(windowSeconds * 1000 >= frameLengthMs, "windowSeconds", windowSeconds);
        require(hopSeconds > 0, "hopSeconds", hopSeconds);
        require(fadeSeconds >= 0 && fadeSeconds < windowSeconds, "fadeSeconds", fadeSeconds);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid feature spec: " + field + " = " + value);
        }
    }

    /** Samples per analysis frame (400 at 16 kHz, 25 ms). */
    @JsonIgnore
    public int frameLength() {
        return (int) (sampleRate * frameLengthMs / 1000.0);
    }

    /** Samples between frame starts (160 at 16 kHz, 10 ms). */
    @JsonIgnore
    public int frameShift() {
        return (int) (sampleRate * frameShiftMs / 1000.0);
    }

    /** FFT size: the frame length rounded up to a power of two (512), as Kaldi's round_to_power_of_two. */
    @JsonIgnore
    public int fftSize() {
        return Integer.highestOneBit(frameLength() - 1) << 1;
    }

    /** The resolved upper mel edge in Hz. */
    @JsonIgnore
    public double resolvedHighFreq() {
        return highFreq > 0 ? highFreq : sampleRate / 2.0 + highFreq;
    }

    /** Frames for {@code samples} input samples, without edge padding (Kaldi snip_edges): 1 + (n - len) / shift. */
    public int framesFor(int samples) {
        return samples < frameLength() ? 0 : 1 + (samples - frameLength()) / frameShift();
    }

    /** Samples in one cycle or streaming window (128000 for 8 s at 16 kHz). */
    @JsonIgnore
    public int windowSamples() {
        return (int) Math.round(windowSeconds * sampleRate);
    }

    /** Samples between streaming windows. */
    @JsonIgnore
    public int hopSamples() {
        return (int) Math.round(hopSeconds * sampleRate);
    }

    /** Samples of the linear fades (1000 at 16 kHz). */
    @JsonIgnore
    public int fadeSamples() {
        return (int) (sampleRate * fadeSeconds);
    }

    /** A copy with another streaming hop. */
    public FeatureSpec withHopSeconds(double hop) {
        return new FeatureSpec(version, sampleRate, frameLengthMs, frameShiftMs, melBins, lowFreq, highFreq, preemphasis,
                removeDcOffset, window, logFloor, normMean, normStd, targetFrames, windowSeconds, hop, fadeSeconds);
    }

    /**
     * A copy that normalises with another mean and standard deviation of the log-mel (a dataset's own statistics, as
     * AST computes them per dataset, instead of AudioSet's): features are (x - mean) / (2 * std).
     *
     * @throws IllegalArgumentException when either is not finite or the deviation is not positive
     */
    public FeatureSpec withNormalisation(double mean, double std) {
        return new FeatureSpec(version, sampleRate, frameLengthMs, frameShiftMs, melBins, lowFreq, highFreq, preemphasis,
                removeDcOffset, window, logFloor, mean, std, targetFrames, windowSeconds, hopSeconds, fadeSeconds);
    }

    /**
     * A copy for windows of another length, with the target frames that length gives (398 for 4 s): the cheaper
     * setting for CPU training; the paper's is 8 s.
     */
    public FeatureSpec withWindowSeconds(double seconds) {
        int frames = 1 + ((int) Math.round(seconds * sampleRate) - frameLength()) / frameShift();
        return new FeatureSpec(version, sampleRate, frameLengthMs, frameShiftMs, melBins, lowFreq, highFreq, preemphasis,
                removeDcOffset, window, logFloor, normMean, normStd, frames, seconds, hopSeconds, fadeSeconds);
    }

    /** Compact JSON, the form stored in model files. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and validates; unknown or missing fields are errors so that a spec is never half-read. */
    public static FeatureSpec fromJson(String json) {
        try {
            return JSON.readValue(json, FeatureSpec.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("invalid feature spec JSON: " + cause.getMessage(), e);
        }
    }
}
