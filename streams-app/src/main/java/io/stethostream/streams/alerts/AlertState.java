package io.stethostream.streams.alerts;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.WindowEvidence;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's alert state (value of the {@code alert-state} store, JSON): the recent usable windows, the active
 * alerts and the streaks that raise or clear them. Mutable; owned by {@link AlertTracker}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class AlertState {

    /** The last n usable windows, oldest first. */
    List<WindowEvidence> recent = new ArrayList<>();
    /** The active abnormal alert, or null. */
    AlertEvent.Kind abnormal;
    String abnormalSince;
    int normalStreak;

    /** Unusable windows in a row, oldest first (at most poorSignalRaise kept as evidence). */
    List<WindowEvidence> recentPoor = new ArrayList<>();
    boolean poorActive;
    String poorSince;
    int poorStreak;
    int goodStreak;

    boolean signalLost;
    String lostSince;

    ModelRef lastModel;

    /** The active abnormal alert kind, or null. */
    public AlertEvent.Kind abnormal() {
        return abnormal;
    }

    public boolean poorSignal() {
        return poorActive;
    }

    public boolean signalLost() {
        return signalLost;
    }

    /** The active alert kinds, for status pages. */
    public List<AlertEvent.Kind> active() {
        List<AlertEvent.Kind> a = new ArrayList<>();
        if (abnormal != null) {
            a.add(abnormal);
        }
        if (poorActive) {
            a.add(AlertEvent.Kind.POOR_SIGNAL);
        }
        if (signalLost) {
            a.add(AlertEvent.Kind.SIGNAL_LOST);
        }
        return a;
    }
}
