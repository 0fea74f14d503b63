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

    /**
     * Additive measurements of a stretch of samples: those of a window are the {@link #join} of its stretches', so a
     * stream can measure each hop once and reuse it in the overlapping windows (exactly the same counts; the sum of
     * squares differs from one pass only by rounding).
     *
     * @param first the first sample (its sign decides a crossing at the join), last likewise
     */
    public record Stats(long samples, double sumSquares, long clipped, long crossings, float first, float last) {
    }

    /** The verdict on one window of samples in [-1, 1]. */
    public QualityReport assess(float[] samples) {
        return assess(measure(samples, 0, samples.length));
    }

    /** Measures {@code samples[from, to)}. */
    public Stats measure(float[] samples, int from, int to) {
        double sumSq = 0;
        long clipped = 0;
        long crossings = 0;
        for (int i = from; i < to; i++) {
            float x = samples[i];
            sumSq += (double) x * x;
            if (Math.abs(x) >= t.clipLevel()) {
                clipped++;
            }
            if (i > from && (x >= 0) != (samples[i - 1] >= 0)) {
                crossings++;
            }
        }
        return to > from ? new Stats(to - from, sumSq, clipped, crossings, samples[from], samples[to - 1])
                : new Stats(0, 0, 0, 0, 0, 0);
    }

    /** The measurements of {@code a} followed directly by {@code b}. */
    public static Stats join(Stats a, Stats b) {
        if (a.samples() == 0) {
            return b;
        }
        if (b.samples() == 0) {
            return a;
        }
        long edge = (a.last() >= 0) != (b.first() >= 0) ? 1 : 0;
        return new Stats(a.samples() + b.samples(), a.sumSquares() + b.sumSquares(), a.clipped() + b.clipped(),
                a.crossings() + b.crossings() + edge, a.first(), b.last());
    }

    /** The verdict from a window's measurements. */
    public QualityReport assess(Stats m) {
        long n = m.samples();
        if (n == 0) {
            return new QualityReport(QualityReport.Verdict.SILENCE, "no samples", Double.NEGATIVE_INFINITY, 0, 0);
        }
        double rms = Math.sqrt(m.sumSquares() / n);
        double dbfs = rms > 0 ? 20 * Math.log10(rms) : Double.NEGATIVE_INFINITY;
        double clipFraction = m.clipped() / (double) n;
        double zcr = n > 1 ? m.crossings() / (double) (n - 1) : 0;
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
