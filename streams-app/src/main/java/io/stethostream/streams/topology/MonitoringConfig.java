package io.stethostream.streams.topology;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.streams.alerts.AlertThresholds;
import io.stethostream.streams.quality.QualityThresholds;

import java.util.Properties;

/**
 * Every setting of the monitoring topology in one validated value; invalid settings fail at construction with the
 * key named. Keys (for {@link #fromProperties}) and defaults:
 *
 * <pre>
 * hop-seconds                  0 (= the model's feature spec, 2 s for the shipped model)
 * reorder.max-chunks           16    chunks that may wait for a missing one
 * gap.restart-seconds          2.0   longer gaps start windowing over; shorter ones are filled with silence
 * batch.max-windows            8     windows per model batch
 * batch.max-wait-ms            0     0: run each record's windows at once; > 0: collect windows of several devices
 *                                    for up to this long (wall clock) or until the batch is full
 * quality.silence-rms-dbfs     -60
 * quality.clip-level           0.99
 * quality.max-clipped-fraction 0.01
 * quality.max-zero-crossing-rate 0.35
 * alerts.raise-abnormal        3     k: abnormal windows among the last n that raise an alert
 * alerts.of-last               5     n
 * alerts.clear-normal          3     m: normal windows in a row that clear it
 * alerts.poor-signal-raise     3     unusable windows in a row that raise poor_signal
 * alerts.poor-signal-clear     2     usable windows in a row that clear it
 * alerts.signal-lost-seconds   10    no audio this long (wall clock) raises signal_lost
 * alerts.signal-check-ms       1000  how often that is checked
 * inference.threads            1     n: the model runs in a pool of n threads shared by the instance while the stream
 *                                    thread goes on with the next chunks (predictions still go out in order, from the
 *                                    stream thread; 104 against 80 devices on 2 cores); 0: in the stream thread
 * state.audio-in-memory        true  device audio and reassembly state in in-memory stores (still changelogged, so
 *                                    restored after a crash); false: RocksDB, for more devices than memory holds
 * </pre>
 */
public record MonitoringConfig(double hopSeconds, int reorderMaxChunks, double gapRestartSeconds, int batchMaxWindows,
                               long batchMaxWaitMs, QualityThresholds quality, AlertThresholds alerts,
                               boolean audioStateInMemory, int inferenceThreads) {

    public MonitoringConfig {
        if (!(hopSeconds >= 0) || !Double.isFinite(hopSeconds)) {
            throw new IllegalArgumentException("hop-seconds must be >= 0 (0: the model's), got " + hopSeconds);
        }
        if (reorderMaxChunks < 0 || reorderMaxChunks > 1024) {
            throw new IllegalArgumentException("reorder.max-chunks must be 0..1024, got " + reorderMaxChunks);
        }
        if (!(gapRestartSeconds > 0) || gapRestartSeconds > 3600) {
            throw new IllegalArgumentException("gap.restart-seconds must be in (0, 3600], got " + gapRestartSeconds);
        }
        if (batchMaxWindows < 1 || batchMaxWindows > 256) {
            throw new IllegalArgumentException("batch.max-windows must be 1..256, got " + batchMaxWindows);
        }
        if (batchMaxWaitMs < 0 || batchMaxWaitMs > 60_000) {
            throw new IllegalArgumentException("batch.max-wait-ms must be 0..60000, got " + batchMaxWaitMs);
        }
        if (inferenceThreads < 0 || inferenceThreads > 64) {
            throw new IllegalArgumentException("inference.threads must be 0..64, got " + inferenceThreads);
        }
        java.util.Objects.requireNonNull(quality, "quality");
        java.util.Objects.requireNonNull(alerts, "alerts");
    }

    public static MonitoringConfig defaults() {
        return new MonitoringConfig(0, 16, 2.0, 8, 0, QualityThresholds.DEFAULTS, AlertThresholds.DEFAULTS, true, 1);
    }

    /** The model's spec with the configured hop; refuses a hop the window length cannot use. */
    public FeatureSpec effectiveSpec(FeatureSpec modelSpec) {
        FeatureSpec s = hopSeconds > 0 ? modelSpec.withHopSeconds(hopSeconds) : modelSpec;
        if (s.hopSamples() < 1 || s.framesFor(s.windowSamples()) < 1) {
            throw new IllegalArgumentException("hop " + s.hopSeconds() + " s / window " + s.windowSeconds()
                    + " s cannot be served");
        }
        return s;
    }

    public long gapRestartMicros() {
        return Math.round(gapRestartSeconds * 1e6);
    }

    public MonitoringConfig withHopSeconds(double v) {
        return new MonitoringConfig(v, reorderMaxChunks, gapRestartSeconds, batchMaxWindows,
                batchMaxWaitMs, quality, alerts, audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withReorderMaxChunks(int v) {
        return new MonitoringConfig(hopSeconds, v, gapRestartSeconds, batchMaxWindows, batchMaxWaitMs, quality, alerts,
                audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withGapRestartSeconds(double v) {
        return new MonitoringConfig(hopSeconds, reorderMaxChunks, v, batchMaxWindows, batchMaxWaitMs, quality, alerts,
                audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withBatching(int maxWindows, long maxWaitMs) {
        return new MonitoringConfig(hopSeconds, reorderMaxChunks, gapRestartSeconds, maxWindows,
                maxWaitMs, quality, alerts, audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withQuality(QualityThresholds v) {
        return new MonitoringConfig(hopSeconds, reorderMaxChunks, gapRestartSeconds, batchMaxWindows,
                batchMaxWaitMs, v, alerts, audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withAlerts(AlertThresholds v) {
        return new MonitoringConfig(hopSeconds, reorderMaxChunks, gapRestartSeconds, batchMaxWindows,
                batchMaxWaitMs, quality, v, audioStateInMemory, inferenceThreads);
    }

    public MonitoringConfig withInferenceThreads(int v) {
        return new MonitoringConfig(hopSeconds, reorderMaxChunks, gapRestartSeconds, batchMaxWindows,
                batchMaxWaitMs, quality, alerts, audioStateInMemory, v);
    }

    /** Reads the keys above; missing keys keep their defaults, malformed numbers fail naming the key. */
    public static MonitoringConfig fromProperties(Properties p) {
        MonitoringConfig d = defaults();
        QualityThresholds q = d.quality;
        AlertThresholds a = d.alerts;
        return new MonitoringConfig(
                dbl(p, "hop-seconds", d.hopSeconds),
                (int) lng(p, "reorder.max-chunks", d.reorderMaxChunks),
                dbl(p, "gap.restart-seconds", d.gapRestartSeconds),
                (int) lng(p, "batch.max-windows", d.batchMaxWindows),
                lng(p, "batch.max-wait-ms", d.batchMaxWaitMs),
                new QualityThresholds(dbl(p, "quality.silence-rms-dbfs", q.silenceRmsDbfs()),
                        dbl(p, "quality.clip-level", q.clipLevel()),
                        dbl(p, "quality.max-clipped-fraction", q.maxClippedFraction()),
                        dbl(p, "quality.max-zero-crossing-rate", q.maxZeroCrossingRate())),
                new AlertThresholds((int) lng(p, "alerts.raise-abnormal", a.raiseAbnormal()),
                        (int) lng(p, "alerts.of-last", a.ofLast()),
                        (int) lng(p, "alerts.clear-normal", a.clearNormal()),
                        (int) lng(p, "alerts.poor-signal-raise", a.poorSignalRaise()),
                        (int) lng(p, "alerts.poor-signal-clear", a.poorSignalClear()),
                        Math.round(dbl(p, "alerts.signal-lost-seconds", a.signalLostMillis() / 1000.0) * 1000),
                        lng(p, "alerts.signal-check-ms", a.signalCheckMillis())),
                bool(p, "state.audio-in-memory", d.audioStateInMemory),
                (int) lng(p, "inference.threads", d.inferenceThreads));
    }

    private static double dbl(Properties p, String key, double def) {
        String v = p.getProperty(key);
        try {
            return v == null ? def : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v);
        }
    }

    private static boolean bool(Properties p, String key, boolean def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got " + v);
        };
    }

    private static long lng(Properties p, String key, long def) {
        String v = p.getProperty(key);
        try {
            return v == null ? def : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer: " + v);
        }
    }
}
