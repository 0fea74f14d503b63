package io.stethostream.streams.quality;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The signal-quality verdict on one window, with the measurements behind it.
 *
 * @param verdict           OK, or why the window is unusable
 * @param reason            a sentence saying why (empty when OK)
 * @param rmsDbfs           RMS level in dB full scale
 * @param clippedFraction   fraction of samples at or above the clip level
 * @param zeroCrossingRate  sign changes per sample
 */
public record QualityReport(@JsonProperty("verdict") Verdict verdict, @JsonProperty("reason") String reason,
                            @JsonProperty("rmsDbfs") double rmsDbfs,
                            @JsonProperty("clippedFraction") double clippedFraction,
                            @JsonProperty("zeroCrossingRate") double zeroCrossingRate) {

    /** Quality verdicts; the names appear in predictions and alerts. */
    public enum Verdict { OK, SILENCE, CLIPPING, NOISE }

    public boolean usable() {
        return verdict == Verdict.OK;
    }
}
