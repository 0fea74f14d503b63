package io.stethostream.streams.quality;

/**
 * When a window is too poor to classify.
 *
 * @param silenceRmsDbfs        RMS below this (dB full scale) is silence: no stethoscope on a chest
 * @param clipLevel             a sample at or above this magnitude counts as clipped
 * @param maxClippedFraction    more clipped samples than this fraction is clipping
 * @param maxZeroCrossingRate   more sign changes per sample than this is broadband noise (breath sounds sit under
 *                              ~1 kHz, about 0.1 at 16 kHz; white noise is about 0.5)
 */
public record QualityThresholds(double silenceRmsDbfs, double clipLevel, double maxClippedFraction,
                                double maxZeroCrossingRate) {

    public static final QualityThresholds DEFAULTS = new QualityThresholds(-60.0, 0.99, 0.01, 0.35);

    public QualityThresholds {
        if (!(silenceRmsDbfs < 0) || !Double.isFinite(silenceRmsDbfs)) {
            throw new IllegalArgumentException("quality.silence-rms-dbfs must be a negative number, got " + silenceRmsDbfs);
        }
        if (!(clipLevel > 0 && clipLevel <= 1)) {
            throw new IllegalArgumentException("quality.clip-level must be in (0, 1], got " + clipLevel);
        }
        if (!(maxClippedFraction >= 0 && maxClippedFraction < 1)) {
            throw new IllegalArgumentException("quality.max-clipped-fraction must be in [0, 1), got " + maxClippedFraction);
        }
        if (!(maxZeroCrossingRate > 0 && maxZeroCrossingRate <= 1)) {
            throw new IllegalArgumentException("quality.max-zero-crossing-rate must be in (0, 1], got "
                    + maxZeroCrossingRate);
        }
    }
}
