package io.stethostream.streams.alerts;

import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.AlertEvent.Kind;
import io.stethostream.streams.records.AlertEvent.State;

/**
 * What the alerts told a person watching one recording's stream: whether a crackle and a wheeze alert were shown at
 * any time (raised, or an active alert updated to include them) and whether poor_signal was raised. This is how a
 * recording-level label (normal, crackle, wheeze, both) is read off the stream's alerts, to score them against the
 * record-level annotation of a dataset.
 */
public final class RecordingVerdict {

    private boolean crackles;
    private boolean wheezes;
    private boolean poorSignal;
    private int abnormalRaised;

    /** Takes one alert change from {@link AlertTracker}; clearings change nothing (the alert was shown). */
    public void add(AlertEvent e) {
        if (e.state() == State.CLEARED) {
            return;
        }
        switch (e.kind()) {
            case CRACKLES -> crackles = true;
            case WHEEZES -> wheezes = true;
            case BOTH -> {
                crackles = true;
                wheezes = true;
            }
            case POOR_SIGNAL -> poorSignal = true;
            case SIGNAL_LOST -> { } // wall-clock silence says nothing about the recording's sounds
            default -> throw new IllegalStateException("unknown alert kind " + e.kind());
        }
        if (e.state() == State.RAISED && isAbnormal(e.kind())) {
            abnormalRaised++;
        }
    }

    /** The recording's label as the alerts showed it: both, crackle, wheeze, or normal when none was shown. */
    public String label() {
        return crackles && wheezes ? "both" : crackles ? "crackle" : wheezes ? "wheeze" : AlertTracker.NORMAL;
    }

    public boolean poorSignal() {
        return poorSignal;
    }

    /** Abnormal alerts raised (an alert cleared and raised again counts twice). */
    public int abnormalRaised() {
        return abnormalRaised;
    }

    private static boolean isAbnormal(Kind k) {
        return k == Kind.CRACKLES || k == Kind.WHEEZES || k == Kind.BOTH;
    }
}
