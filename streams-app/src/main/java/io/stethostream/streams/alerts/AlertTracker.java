package io.stethostream.streams.alerts;

import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.AlertEvent.Kind;
import io.stethostream.streams.records.AlertEvent.State;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowEvidence;
import io.stethostream.streams.records.WindowPrediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The alert rules, as a pure function of a device's {@link AlertState} and the next input; every returned event is
 * a change of state, so repeated inputs never repeat an event.
 *
 * <ul>
 * <li>crackles / wheezes / both: raised when k of the last n usable windows are abnormal (any label but
 * {@code normal}); the kind is the union of what those windows show (crackle and wheeze labels together make
 * {@code both}); updated when that union changes while active; cleared after m normal windows in a row.
 * Unusable windows neither raise nor clear it.</li>
 * <li>poor_signal: raised after a run of unusable windows, cleared after a run of usable ones.</li>
 * <li>signal_lost: raised when no audio arrived for the configured wall-clock time, cleared by the next audio.</li>
 * </ul>
 */
public final class AlertTracker {

    /** The label the model gives to normal breathing. */
    public static final String NORMAL = "normal";

    private final AlertThresholds t;

    public AlertTracker(AlertThresholds thresholds) {
        this.t = thresholds;
    }

    /** Updates the state with one window's prediction; returns the alert changes it causes. */
    public List<AlertEvent> onPrediction(AlertState s, WindowPrediction p) {
        List<AlertEvent> out = new ArrayList<>();
        WindowEvidence ev = WindowEvidence.of(p);
        String end = Times.iso(p.windowEndMicros());
        if (p.model() != null) {
            s.lastModel = p.model();
        }
        if (!p.quality().usable()) {
            s.goodStreak = 0;
            s.poorStreak++;
            s.recentPoor.add(ev);
            while (s.recentPoor.size() > t.poorSignalRaise()) {
                s.recentPoor.remove(0);
            }
            if (!s.poorActive && s.poorStreak >= t.poorSignalRaise()) {
                s.poorActive = true;
                s.poorSince = s.recentPoor.get(0).windowStart();
                out.add(event(p.device(), Kind.POOR_SIGNAL, State.RAISED, null, s.poorSince, end,
                        s.poorStreak + " unusable windows in a row, last: " + p.quality().reason(),
                        s.recentPoor, s));
            }
            return out;
        }
        s.poorStreak = 0;
        s.recentPoor.clear();
        s.goodStreak++;
        if (s.poorActive && s.goodStreak >= t.poorSignalClear()) {
            s.poorActive = false;
            out.add(event(p.device(), Kind.POOR_SIGNAL, State.CLEARED, null, s.poorSince, end,
                    s.goodStreak + " usable windows in a row", List.of(ev), s));
            s.poorSince = null;
        }

        s.recent.add(ev);
        while (s.recent.size() > t.ofLast()) {
            s.recent.remove(0);
        }
        boolean abnormal = isAbnormal(p.label());
        if (s.abnormal == null) {
            List<WindowEvidence> bad = abnormalOf(s.recent);
            if (bad.size() >= t.raiseAbnormal()) {
                s.abnormal = kindOf(bad);
                s.abnormalSince = bad.get(0).windowStart();
                s.normalStreak = 0;
                out.add(event(p.device(), s.abnormal, State.RAISED, null, s.abnormalSince, end,
                        String.format(Locale.ROOT, "%d of the last %d usable windows abnormal", bad.size(),
                                s.recent.size()), s.recent, s));
            }
        } else if (abnormal) {
            s.normalStreak = 0;
            Kind now = kindOf(abnormalOf(s.recent));
            if (now != s.abnormal) {
                Kind before = s.abnormal;
                s.abnormal = now;
                out.add(event(p.device(), now, State.UPDATED, before, s.abnormalSince, end,
                        "the abnormal windows now show " + now.json(), s.recent, s));
            }
        } else {
            s.normalStreak++;
            if (s.normalStreak >= t.clearNormal()) {
                out.add(event(p.device(), s.abnormal, State.CLEARED, null, s.abnormalSince, end,
                        s.normalStreak + " normal windows in a row", s.recent, s));
                s.abnormal = null;
                s.abnormalSince = null;
                s.normalStreak = 0;
                s.recent.clear(); // a new episode needs k fresh abnormal windows
            }
        }
        return out;
    }

    /** No audio since {@code lastAudioWallMs}; raises signal_lost once. */
    public List<AlertEvent> onSignalLost(AlertState s, String device, long lastAudioWallMs, long nowWallMs) {
        if (s.signalLost) {
            return List.of();
        }
        s.signalLost = true;
        s.lostSince = Times.isoMillis(lastAudioWallMs);
        return List.of(event(device, Kind.SIGNAL_LOST, State.RAISED, null, s.lostSince, Times.isoMillis(nowWallMs),
                "no audio for " + (nowWallMs - lastAudioWallMs) / 1000 + " s", List.of(), s));
    }

    /** Audio arrived again; clears signal_lost if raised. */
    public List<AlertEvent> onAudio(AlertState s, String device, long nowWallMs) {
        if (!s.signalLost) {
            return List.of();
        }
        s.signalLost = false;
        AlertEvent e = event(device, Kind.SIGNAL_LOST, State.CLEARED, null, s.lostSince, Times.isoMillis(nowWallMs),
                "audio received again", List.of(), s);
        s.lostSince = null;
        return List.of(e);
    }

    static boolean isAbnormal(String label) {
        return label != null && !NORMAL.equals(label);
    }

    private static List<WindowEvidence> abnormalOf(List<WindowEvidence> windows) {
        return windows.stream().filter(w -> isAbnormal(w.label())).toList();
    }

    /** crackle and wheeze flags of the windows together; a label naming neither counts as both. */
    static Kind kindOf(List<WindowEvidence> abnormal) {
        boolean crackle = false;
        boolean wheeze = false;
        for (WindowEvidence w : abnormal) {
            String l = w.label().toLowerCase(Locale.ROOT);
            boolean c = l.contains("crackle");
            boolean wz = l.contains("wheeze");
            if (!c && !wz) {
                c = true;
                wz = true; // "both", or an unknown abnormal label
            }
            crackle |= c;
            wheeze |= wz;
        }
        return crackle && wheeze ? Kind.BOTH : crackle ? Kind.CRACKLES : Kind.WHEEZES;
    }

    private static AlertEvent event(String device, Kind kind, State state, Kind previous, String since, String at,
                                    String reason, List<WindowEvidence> evidence, AlertState s) {
        return new AlertEvent(device, kind, state, previous, since, at, reason, List.copyOf(evidence), s.lastModel);
    }
}
