package io.stethostream.streams.dashboard;

import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.AlertEvent.Kind;
import io.stethostream.streams.records.AlertEvent.State;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's view model, fed records as the topics carry them; no browser, no Kafka. */
class WardStateTest {

    private static final long T0 = 1_767_225_600_000_000L;
    private static final ModelRef MODEL = new ModelRef("ast", "v1", "abc");
    private static final QualityReport OK = new QualityReport(QualityReport.Verdict.OK, "", -20, 0, 0.1);

    private static WindowPrediction window(String device, int i, String label, double p) {
        long start = T0 + i * 2_000_000L;
        Map<String, Double> probs = new LinkedHashMap<>();
        for (String l : List.of("normal", "crackle", "wheeze", "both")) {
            probs.put(l, l.equals(label) ? p : (1 - p) / 3);
        }
        return new WindowPrediction(device, Times.iso(start), Times.iso(start + 4_000_000), start, start + 4_000_000,
                true, label, probs, OK, MODEL, Map.of("patient", "P-" + device, "location", "bed 3"));
    }

    private static AlertEvent alert(String device, Kind kind, State state, int sinceWindow, int atWindow) {
        return new AlertEvent(device, kind, state, null, Times.iso(T0 + sinceWindow * 2_000_000L),
                Times.iso(T0 + atWindow * 2_000_000L), "because", List.of(), MODEL);
    }

    @Test
    void aTileCarriesTheLatestWindowItsAttributesAndABoundedHistory() {
        WardState w = new WardState(3);
        for (int i = 0; i < 5; i++) {
            w.apply(window("bed-1", i, i < 4 ? "normal" : "wheeze", 0.8));
        }
        WardState.Tile t = w.snapshot().tiles().get(0);
        assertEquals("bed-1", t.device());
        assertEquals("wheeze", t.label());
        assertEquals(0.8, t.probability(), 1e-9);
        assertEquals(Map.of("patient", "P-bed-1", "location", "bed 3"), t.attributes());
        assertEquals("live", t.state());
        assertEquals("v1", t.model().version());
        assertEquals(3, t.history().size(), "history is bounded");
        assertEquals((T0 + 4 * 2_000_000L + 4_000_000) / 1000, t.history().get(2).t());
        assertEquals(2, t.severity());
    }

    @Test
    void aLateOrRepeatedWindowDoesNotMoveTheTileBack() {
        WardState w = new WardState(10);
        w.apply(window("bed-1", 5, "wheeze", 0.9));
        w.apply(window("bed-1", 4, "normal", 0.9));
        w.apply(window("bed-1", 5, "normal", 0.9));
        WardState.Tile t = w.snapshot().tiles().get(0);
        assertEquals("wheeze", t.label());
        assertEquals(1, t.history().size());
    }

    @Test
    void deltasCarryOnlyChangedTilesAndTheirNewPoints() {
        WardState w = new WardState(10);
        w.apply(window("a", 0, "normal", 0.9));
        w.apply(window("b", 0, "normal", 0.9));
        WardState.Delta first = w.drain();
        assertEquals(2, first.tiles().size());
        assertTrue(w.drain().isEmpty(), "nothing changed since");
        w.apply(window("a", 1, "crackle", 0.7));
        WardState.Delta second = w.drain();
        assertEquals(1, second.tiles().size());
        assertEquals("a", second.tiles().get(0).device());
        assertEquals(1, second.tiles().get(0).history().size(), "only the new point");
        assertEquals("crackle", second.tiles().get(0).history().get(0).label());
    }

    @Test
    void alertedTilesSortFirstAndAcknowledgedOnesAfterUnacknowledged() {
        WardState w = new WardState(10);
        for (String d : List.of("a", "b", "c")) {
            w.apply(window(d, 0, "normal", 0.9));
        }
        w.apply(alert("c", Kind.WHEEZES, State.RAISED, 0, 3));
        w.apply(alert("b", Kind.POOR_SIGNAL, State.RAISED, 0, 3));
        String id = WardState.alertId("b", Kind.POOR_SIGNAL, Times.iso(T0));
        w.apply(new AlertAck(id, "b", "poor_signal", "nurse", false, "2026-01-01T00:00:10Z"));
        List<WardState.Tile> tiles = w.snapshot().tiles();
        assertEquals(List.of("c", "b", "a"), tiles.stream().map(WardState.Tile::device).toList());
        assertEquals(0, tiles.get(0).severity());
        assertEquals(1, tiles.get(1).severity());
        assertEquals("poor", tiles.get(1).state());
        assertEquals("nurse", tiles.get(1).alerts().get(0).ack().user());
    }

    @Test
    void anAlertKeepsItsIdentityAndAcknowledgementWhenItsKindChangesButNotAfterItClears() {
        WardState w = new WardState(10);
        w.apply(alert("a", Kind.CRACKLES, State.RAISED, 0, 3));
        String id = WardState.alertId("a", Kind.CRACKLES, Times.iso(T0));
        assertTrue(w.alert(id).isPresent());
        w.apply(new AlertAck(id, "a", "crackles", "nurse", true, "2026-01-01T00:00:10Z"));
        w.apply(alert("a", Kind.BOTH, State.UPDATED, 0, 5)); // same episode, worse kind
        WardState.AlertView active = w.snapshot().tiles().get(0).alerts().get(0);
        assertEquals("both", active.kind());
        assertEquals(id, active.id());
        assertNotNull(active.ack(), "the acknowledgement stays with the episode");

        w.apply(alert("a", Kind.BOTH, State.CLEARED, 0, 8));
        assertTrue(w.snapshot().tiles().get(0).alerts().isEmpty());
        w.apply(alert("a", Kind.WHEEZES, State.RAISED, 12, 15)); // raised again after it cleared
        WardState.AlertView again = w.snapshot().tiles().get(0).alerts().get(0);
        assertNotEquals(id, again.id());
        assertNull(again.ack(), "a new episode is a new alert");
        assertEquals(0, w.snapshot().tiles().get(0).severity());
    }

    @Test
    void signalLostShowsAsLostSinceTheLastAudioAndClearsWhenAudioReturns() {
        WardState w = new WardState(10);
        w.apply(window("a", 0, "normal", 0.9));
        w.apply(new AlertEvent("a", Kind.SIGNAL_LOST, State.RAISED, null, "2026-01-01T00:00:04Z",
                "2026-01-01T00:00:15Z", "no audio for 11 s", List.of(), null));
        WardState.Tile t = w.snapshot().tiles().get(0);
        assertEquals("lost", t.state());
        assertEquals("2026-01-01T00:00:04Z", t.stateSince());
        w.apply(new AlertEvent("a", Kind.SIGNAL_LOST, State.CLEARED, null, "2026-01-01T00:00:04Z",
                "2026-01-01T00:00:30Z", "audio received again", List.of(), null));
        assertEquals("live", w.snapshot().tiles().get(0).state());
    }

    @Test
    void anAcknowledgementReadBeforeItsAlertStillAttaches() {
        WardState w = new WardState(10);
        String id = WardState.alertId("a", Kind.WHEEZES, Times.iso(T0));
        w.apply(new AlertAck(id, "a", "wheezes", "nurse", false, "2026-01-01T00:00:10Z"));
        w.apply(alert("a", Kind.WHEEZES, State.RAISED, 0, 3));
        assertEquals("nurse", w.snapshot().tiles().get(0).alerts().get(0).ack().user());
        assertEquals(1, w.snapshot().tiles().get(0).severity());
    }

    @Test
    void theFeedIsNewestFirstAndBounded() {
        WardState w = new WardState(10);
        for (int i = 0; i < WardState.MAX_FEED + 20; i++) {
            w.apply(alert("a", Kind.POOR_SIGNAL, i % 2 == 0 ? State.RAISED : State.CLEARED, i - i % 2, i));
        }
        List<WardState.FeedItem> feed = w.snapshot().feed();
        assertEquals(WardState.MAX_FEED, feed.size());
        assertTrue(feed.get(0).seq() > feed.get(1).seq());
        assertEquals("cleared", feed.get(0).state());
        assertFalse(w.alert(WardState.alertId("a", Kind.POOR_SIGNAL, Times.iso(T0))).isPresent(),
                "the oldest changes left the feed");
    }

    @Test
    void recordsWithoutTheirKeyFieldsAreRefused() {
        WardState w = new WardState(10);
        assertThrows(IllegalArgumentException.class, () -> w.apply(new WindowPrediction(null, "x", "y", 0, 1, false,
                null, Map.of(), OK, null, null)));
        assertThrows(IllegalArgumentException.class, () -> w.apply(new AlertEvent("a", null, State.RAISED, null,
                "s", "t", "r", List.of(), null)));
        assertEquals(0, w.deviceCount());
    }
}
