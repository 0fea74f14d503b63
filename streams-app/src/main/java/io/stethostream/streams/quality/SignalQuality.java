package io.stethostream.streams.quality;

import java.util.Locale;

/**
 * Decides whether a window of audio is worth classifying: silence (RMS level), clipping (fraction of samples at full
 * scale) and broadband noise (zero-crossing rate). Checked in that order; the first failing check is the verdict.
 * Pure and cheap (one pass over the samples).
 */
public final class SignalQuality {

    private final QualityThresholds t;

    public SignalQuality(QualityThresholds thresholds) {
        this.t = thresholds;
    }

    /** The verdict on one window of samples in [-1, 1]. */
    public QualityReport assess(float[] samples) {
        if (samples.length == 0) {
            return new QualityReport(QualityReport.Verdict.SILENCE, "no samples", Double.NEGATIVE_INFINITY, 0, 0);
        }
        double sumSq = 0;
        long clipped = 0;
        long crossings = 0;
        for (int i = 0; i < samples.length; i++) {
            float x = samples[i];
            sumSq += (double) x * x;
            if (Math.abs(x) >= t.clipLevel()) {
                clipped++;
            }
            if (i > 0 && (x >= 0) != (samples[i - 1] >= 0)) {
                crossings++;
            }
        }
        double rms = Math.sqrt(sumSq / samples.length);
        double dbfs = rms > 0 ? 20 * Math.log10(rms) : Double.NEGATIVE_INFINITY;
        double clipFraction = clipped / (double) samples.length;
        double zcr = samples.length > 1 ? crossings / (double) (samples.length - 1) : 0;
        if (dbfs < t.silenceRmsDbfs()) {
            return report(QualityReport.Verdict.SILENCE, String.format(Locale.ROOT,
                    "level %.1f dBFS is below %.1f dBFS", dbfs, t.silenceRmsDbfs()), dbfs, clipFraction, zcr);
        }
        if (clipFraction > t.maxClippedFraction()) {
            return report(QualityReport.Verdict.CLIPPING, String.format(Locale.ROOT,
                    "%.2f%% of samples at or above %.3f full scale (limit %.2f%%)", 100 * clipFraction,
                    t.clipLevel(), 100 * t.maxClippedFraction()), dbfs, clipFraction, zcr);
        }
        if (zcr > t.maxZeroCrossingRate()) {
            return report(QualityReport.Verdict.NOISE, String.format(Locale.ROOT,
                    "zero-crossing rate %.3f per sample is above %.3f: broadband noise", zcr,
                    t.maxZeroCrossingRate()), dbfs, clipFraction, zcr);
        }
        return report(QualityReport.Verdict.OK, "", dbfs, clipFraction, zcr);
    }

    private static QualityReport report(QualityReport.Verdict v, String reason, double dbfs, double clip, double zcr) {
        return new QualityReport(v, reason, Double.isFinite(dbfs) ? dbfs : -999.0, clip, zcr);
    }
}
