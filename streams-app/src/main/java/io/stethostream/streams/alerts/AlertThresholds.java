package io.stethostream.streams.alerts;

/**
 * Hysteresis of the alerts.
 *
 * @param raiseAbnormal      abnormal windows (k) among the last {@code ofLast} usable ones that raise an alert
 * @param ofLast             the window count n of that rule
 * @param clearNormal        consecutive normal windows (m) that clear an abnormal alert
 * @param poorSignalRaise    consecutive unusable windows that raise poor_signal
 * @param poorSignalClear    consecutive usable windows that clear it
 * @param signalLostMillis   no audio for this long (wall clock) raises signal_lost; audio clears it
 * @param signalCheckMillis  how often the wall-clock check runs
 */
public record AlertThresholds(int raiseAbnormal, int ofLast, int clearNormal, int poorSignalRaise,
                              int poorSignalClear, long signalLostMillis, long signalCheckMillis) {

    public static final AlertThresholds DEFAULTS = new AlertThresholds(3, 5, 3, 3, 2, 10_000, 1_000);

    public AlertThresholds {
        if (ofLast < 1 || raiseAbnormal < 1 || raiseAbnormal > ofLast) {
            throw new IllegalArgumentException("alerts: need 1 <= raise-abnormal (k) <= of-last (n), got k="
                    + raiseAbnormal + " n=" + ofLast);
        }
        if (clearNormal < 1 || poorSignalRaise < 1 || poorSignalClear < 1) {
            throw new IllegalArgumentException("alerts: clear-normal, poor-signal-raise and poor-signal-clear must be "
                    + ">= 1, got " + clearNormal + ", " + poorSignalRaise + ", " + poorSignalClear);
        }
        if (signalLostMillis < 1 || signalCheckMillis < 1) {
            throw new IllegalArgumentException("alerts: signal-lost and its check interval must be positive, got "
                    + signalLostMillis + " ms / " + signalCheckMillis + " ms");
        }
    }
}
