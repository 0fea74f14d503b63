package io.stethostream.streams.alerts;

import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.AlertEvent.Kind;
import io.stethostream.streams.records.AlertEvent.State;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hysteresis on synthetic prediction sequences: k=3 of n=5 raise, m=3 normal clear, poor 3 / 2. */
class AlertTrackerTest {

    private static final ModelRef MODEL = new ModelRef("m", "1.0", "r1");
    private final AlertTracker tracker = new AlertTracker(new AlertThresholds(3, 5, 3, 3, 2, 10_000, 1_000));
    private final AlertState state = new AlertState();
    private int window;

    private WindowPrediction w(String label) {
        long start = 1_000_000L * 2 * window++;
        QualityReport ok = new QualityReport(QualityReport.Verdict.OK, "", -20, 0, 0.1);
        return new WindowPrediction("d", Times.iso(start), Times.iso(start + 8_000_000), start, start + 8_000_000,
                true, label, Map.of(label, 0.9), ok, MODEL, Map.of());
    }

    private WindowPrediction bad() {
        long start = 1_000_000L * 2 * window++;
        QualityReport q = new QualityReport(QualityReport.Verdict.SILENCE, "quiet", -90, 0, 0);
        return new WindowPrediction("d", Times.iso(start), Times.iso(start + 8_000_000), start, start + 8_000_000,
                false, null, Map.of(), q, null, Map.of());
    }

    private List<AlertEvent> feed(String... labels) {
        List<AlertEvent> out = new ArrayList<>();
        for (String l : labels) {
            out.addAll(l.equals("-") ? tracker.onPrediction(state, bad()) : tracker.onPrediction(state, w(l)));
        }
        return out;
    }

    @Test
    void raisesAfterKOfNAndOnlyOnce() {
        assertTrue(feed("normal", "crackle", "normal", "crackle").isEmpty()); // 2 of 4
        List<AlertEvent> e = feed("crackle"); // 3 of 5
        assertEquals(1, e.size());
        assertEquals(Kind.CRACKLES, e.get(0).kind());
        assertEquals(State.RAISED, e.get(0).state());
        assertEquals(Times.iso(2_000_000), e.get(0).since()); // the first abnormal window
        assertEquals(5, e.get(0).evidence().size());
        assertEquals(MODEL, e.get(0).model());
        assertTrue(feed("crackle", "crackle", "normal", "crackle").isEmpty()); // no repeats while active
    }

    @Test
    void updatesTheKindWhenWheezesJoinAndClearsAfterMNormal() {
        feed("crackle", "crackle", "crackle");
        List<AlertEvent> e = feed("wheeze");
        assertEquals(1, e.size());
        assertEquals(State.UPDATED, e.get(0).state());
        assertEquals(Kind.BOTH, e.get(0).kind());
        assertEquals(Kind.CRACKLES, e.get(0).previousKind());
        assertTrue(feed("normal", "normal").isEmpty());
        assertTrue(feed("crackle").isEmpty()); // resets the normal streak
        assertTrue(feed("normal", "normal").isEmpty());
        e = feed("normal");
        assertEquals(1, e.size());
        assertEquals(State.CLEARED, e.get(0).state());
        assertEquals(Kind.BOTH, e.get(0).kind());
        assertNull(state.abnormal());
        assertTrue(feed("crackle", "crackle").isEmpty()); // a new episode needs k fresh windows
        assertEquals(Kind.CRACKLES, feed("crackle").get(0).kind());
    }

    @Test
    void wheezesAndBothLabels() {
        assertEquals(Kind.WHEEZES, feed("wheeze", "wheeze", "wheeze").get(0).kind());
        AlertState s2 = new AlertState();
        AlertTracker t2 = new AlertTracker(new AlertThresholds(1, 1, 1, 1, 1, 1, 1));
        assertEquals(Kind.BOTH, t2.onPrediction(s2, w("both")).get(0).kind());
    }

    @Test
    void unusableWindowsRaisePoorSignalAndNeitherRaiseNorClearAbnormal() {
        feed("crackle", "crackle", "crackle");
        assertTrue(feed("-", "-").isEmpty());
        List<AlertEvent> e = feed("-");
        assertEquals(1, e.size());
        assertEquals(Kind.POOR_SIGNAL, e.get(0).kind());
        assertEquals(State.RAISED, e.get(0).state());
        assertEquals(3, e.get(0).evidence().size());
        assertTrue(feed("-", "-").isEmpty());
        assertTrue(feed("normal").isEmpty());
        e = feed("normal"); // second usable window clears poor_signal; crackles still active (2 normal of 3)
        assertEquals(1, e.size());
        assertEquals(Kind.POOR_SIGNAL, e.get(0).kind());
        assertEquals(State.CLEARED, e.get(0).state());
        assertEquals(Kind.CRACKLES, state.abnormal());
    }

    @Test
    void signalLostOnceAndClearedByAudio() {
        assertEquals(State.RAISED, tracker.onSignalLost(state, "d", 1_000, 12_000).get(0).state());
        assertTrue(tracker.onSignalLost(state, "d", 1_000, 13_000).isEmpty());
        List<AlertEvent> e = tracker.onAudio(state, "d", 20_000);
        assertEquals(Kind.SIGNAL_LOST, e.get(0).kind());
        assertEquals(State.CLEARED, e.get(0).state());
        assertTrue(tracker.onAudio(state, "d", 21_000).isEmpty());
    }
    /** The verdict of the alerts of a fresh recording of {@code labels} ("-" = an unusable window). */
    private RecordingVerdict verdictOf(String... labels) {
        AlertState fresh = new AlertState();
        RecordingVerdict v = new RecordingVerdict();
        for (String l : labels) {
            tracker.onPrediction(fresh, l.equals("-") ? bad() : w(l)).forEach(v::add);
        }
        return v;
    }

    @Test
    void aRecordingsVerdictIsWhatItsAlertsShowed() {
        assertEquals("normal", verdictOf("normal", "crackle", "normal", "wheeze", "normal", "normal").label(),
                "2 abnormal windows of 5 raise nothing");
        RecordingVerdict crackle = verdictOf("crackle", "normal", "crackle", "crackle", "normal", "normal", "normal");
        assertEquals("crackle", crackle.label(), "raised, then cleared: it was shown");
        assertEquals(1, crackle.abnormalRaised());
        assertEquals("wheeze", verdictOf("wheeze", "wheeze", "wheeze").label());
        assertEquals("both", verdictOf("crackle", "wheeze", "crackle").label(), "one alert of both kinds");
        assertEquals("both", verdictOf("wheeze", "wheeze", "wheeze", "crackle").label(),
                "a wheeze alert updated when a crackle window joins it");
    }

    @Test
    void aRecordingsVerdictCountsEachEpisodeAndNotesPoorSignal() {
        RecordingVerdict v = verdictOf("crackle", "crackle", "crackle", "normal", "normal", "normal", "-", "-", "-",
                "crackle", "crackle", "crackle");
        assertEquals(2, v.abnormalRaised(), "cleared by 3 normal windows, raised again");
        assertTrue(v.poorSignal(), "3 unusable windows in a row");
        assertEquals("crackle", v.label());
        assertFalse(verdictOf("crackle", "-", "-", "normal").poorSignal());
    }
}
