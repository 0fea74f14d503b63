package io.stethostream.streams.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.WindowPrediction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the dashboard shows, built from the output topics: one tile per device (latest prediction, a strip of recent
 * window probabilities, streaming state, active alerts), the alert feed with acknowledgements. Thread-safe: the feed
 * applies records, the hub drains changes and pages take snapshots.
 *
 * <p>Alert identity: an alert is one episode of one family (abnormal sound, poor signal, signal lost) of one device,
 * named by when its condition began ({@code since}). A kind change within an episode (crackles to both) keeps the
 * alert and its acknowledgement; an alert raised again after it cleared has a new {@code since}, so it is a new alert.
 */
public final class WardState {

    /** Most feed items kept (newest win). */
    public static final int MAX_FEED = 500;

    /** One window's probabilities: {@code t} is the window's end (capture time, ms since the epoch). */
    public record Point(long t, String label, Map<String, Double> p) {
    }

    /** An alert as a tile or the feed shows it; {@code ack} null until acknowledged. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AlertView(String id, String device, String kind, String since, String raisedAt, String reason,
                            AlertAck ack) {
    }

    /** One change of an alert, as the feed lists it (newest first). */
    public record FeedItem(long seq, String alertId, String device, String kind, String state, String since,
                           String at, String reason, String modelVersion) {
    }

    /**
     * A device's tile. {@code state} is {@code live}, {@code poor} (poor-signal alert or an unusable last window) or
     * {@code lost} (signal-lost alert, since {@code stateSince}). {@code severity} orders tiles: 0 an unacknowledged
     * alert, 1 only acknowledged alerts, 2 none. {@code history} holds the points a snapshot or a delta carries.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Tile(String device, Map<String, String> attributes, String state, String stateSince, String label,
                       Double probability, boolean inferred, String windowEnd, String quality, String qualityReason,
                       ModelRef model, List<AlertView> alerts, List<Point> history, int severity) {
    }

    /** Changes since the last {@link #drain}: changed tiles (with only their new points), new feed items, new acks. */
    public record Delta(List<Tile> tiles, List<FeedItem> feed, List<AlertAck> acks) {
        public boolean isEmpty() {
            return tiles.isEmpty() && feed.isEmpty() && acks.isEmpty();
        }
    }

    /** Everything, for a page that connects. */
    public record Snapshot(List<Tile> tiles, List<FeedItem> feed, Map<String, AlertAck> acks) {
    }

    private static final class Device {
        final String id;
        Map<String, String> attributes = Map.of();
        String label;
        Double probability;
        boolean inferred;
        String windowEnd;
        long lastWindowEndMicros = Long.MIN_VALUE;
        String quality;
        String qualityReason;
        ModelRef model;
        final ArrayDeque<Point> history = new ArrayDeque<>();
        long drainedUntil = Long.MIN_VALUE; // t of the newest point already sent in a delta
        final Map<String, AlertView> active = new LinkedHashMap<>(); // family -> alert

        Device(String id) {
            this.id = id;
        }
    }

    private final int historyPoints;
    private final Map<String, Device> devices = new HashMap<>();
    private final ArrayDeque<FeedItem> feed = new ArrayDeque<>();
    private final Map<String, AlertAck> acks = new HashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private final List<FeedItem> newFeed = new ArrayList<>();
    private final List<AlertAck> newAcks = new ArrayList<>();
    private long feedSeq;

    /** @param historyPoints windows kept per device for the probability strip (150 = 5 minutes at a 2 s hop) */
    public WardState(int historyPoints) {
        if (historyPoints < 1) {
            throw new IllegalArgumentException("history points must be >= 1, got " + historyPoints);
        }
        this.historyPoints = historyPoints;
    }

    /** The id of an alert episode: device, family and the start of its condition. */
    public static String alertId(String device, AlertEvent.Kind kind, String since) {
        return device + "|" + family(kind) + "|" + since;
    }

    static String family(AlertEvent.Kind kind) {
        return switch (kind) {
            case CRACKLES, WHEEZES, BOTH -> "abnormal";
            case POOR_SIGNAL -> "poor_signal";
            case SIGNAL_LOST -> "signal_lost";
        };
    }

    /** A prediction from the topic. Windows older than the device's newest are late replays: ignored. */
    public synchronized void apply(WindowPrediction p) {
        if (p.device() == null || p.device().isBlank() || p.quality() == null) {
            throw new IllegalArgumentException("prediction without device or quality");
        }
        Device d = devices.computeIfAbsent(p.device(), Device::new);
        if (p.windowEndMicros() <= d.lastWindowEndMicros) {
            return;
        }
        d.lastWindowEndMicros = p.windowEndMicros();
        if (!p.attributes().isEmpty()) {
            d.attributes = p.attributes();
        }
        d.inferred = p.inferred();
        d.label = p.label();
        d.probability = p.label() == null || p.probabilities() == null ? null : p.probabilities().get(p.label());
        d.windowEnd = p.windowEnd();
        d.quality = p.quality().verdict().name();
        d.qualityReason = p.quality().reason();
        if (p.model() != null) {
            d.model = p.model();
        }
        Map<String, Double> probs = new LinkedHashMap<>();
        if (p.probabilities() != null) {
            p.probabilities().forEach((k, v) -> probs.put(k, Math.round(v * 1000) / 1000.0));
        }
        d.history.addLast(new Point(p.windowEndMicros() / 1000, p.label(), probs));
        while (d.history.size() > historyPoints) {
            d.history.removeFirst();
        }
        changed.add(d.id);
    }

    /** An alert change from the topic. */
    public synchronized void apply(AlertEvent e) {
        if (e.device() == null || e.kind() == null || e.state() == null || e.since() == null) {
            throw new IllegalArgumentException("alert without device, kind, state or since");
        }
        Device d = devices.computeIfAbsent(e.device(), Device::new);
        String id = alertId(e.device(), e.kind(), e.since());
        String family = family(e.kind());
        if (e.state() == AlertEvent.State.CLEARED) {
            AlertView a = d.active.get(family);
            if (a != null && a.id().equals(id)) {
                d.active.remove(family);
            }
        } else {
            AlertView old = d.active.get(family);
            String raisedAt = old != null && old.id().equals(id) ? old.raisedAt() : e.at();
            d.active.put(family, new AlertView(id, e.device(), e.kind().json(), e.since(), raisedAt, e.reason(),
                    acks.get(id)));
        }
        FeedItem item = new FeedItem(++feedSeq, id, e.device(), e.kind().json(), e.state().json(), e.since(), e.at(),
                e.reason(), e.model() == null ? null : e.model().version());
        feed.addFirst(item);
        while (feed.size() > MAX_FEED) {
            feed.removeLast();
        }
        newFeed.add(item);
        changed.add(d.id);
    }

    /** An acknowledgement from the topic (the first one of an alert counts; repeats are ignored). */
    public synchronized void apply(AlertAck ack) {
        if (acks.containsKey(ack.alertId())) {
            return;
        }
        acks.put(ack.alertId(), ack);
        newAcks.add(ack);
        Device d = devices.get(ack.device());
        if (d != null) {
            d.active.replaceAll((f, a) -> a.id().equals(ack.alertId())
                    ? new AlertView(a.id(), a.device(), a.kind(), a.since(), a.raisedAt(), a.reason(), ack) : a);
            changed.add(d.id);
        }
    }

    /** The alert with this id, if it is in the feed or active; what an acknowledgement may name. */
    public synchronized Optional<FeedItem> alert(String alertId) {
        for (FeedItem f : feed) {
            if (f.alertId().equals(alertId)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public synchronized Optional<AlertAck> ack(String alertId) {
        return Optional.ofNullable(acks.get(alertId));
    }

    public synchronized boolean knows(String device) {
        return devices.containsKey(device);
    }

    public synchronized int deviceCount() {
        return devices.size();
    }

    /** Everything, tiles sorted (alerts first, then device id). Changes so far count as seen by this snapshot's page. */
    public synchronized Snapshot snapshot() {
        List<Tile> tiles = new ArrayList<>();
        for (Device d : devices.values()) {
            tiles.add(tile(d, List.copyOf(d.history)));
        }
        tiles.sort(TILE_ORDER);
        return new Snapshot(tiles, List.copyOf(feed), Map.copyOf(acks));
    }

    /** The changes since the previous call, each changed tile with only the points it has not sent yet. */
    public synchronized Delta drain() {
        List<Tile> tiles = new ArrayList<>();
        for (String id : changed) {
            Device d = devices.get(id);
            List<Point> fresh = new ArrayList<>();
            for (Point p : d.history) {
                if (p.t() > d.drainedUntil) {
                    fresh.add(p);
                }
            }
            if (!d.history.isEmpty()) {
                d.drainedUntil = d.history.peekLast().t();
            }
            tiles.add(tile(d, fresh));
        }
        changed.clear();
        Delta delta = new Delta(tiles, List.copyOf(newFeed), List.copyOf(newAcks));
        newFeed.clear();
        newAcks.clear();
        return delta;
    }

    public static final Comparator<Tile> TILE_ORDER =
            Comparator.comparingInt(Tile::severity).thenComparing(Tile::device);

    private static Tile tile(Device d, List<Point> history) {
        AlertView lost = d.active.get("signal_lost");
        AlertView poor = d.active.get("poor_signal");
        String state;
        String since = null;
        if (lost != null) {
            state = "lost";
            since = lost.since();
        } else if (poor != null || (d.quality != null && !"OK".equals(d.quality))) {
            state = "poor";
            since = poor == null ? null : poor.since();
        } else {
            state = "live";
        }
        List<AlertView> alerts = List.copyOf(d.active.values());
        int severity = alerts.isEmpty() ? 2 : alerts.stream().anyMatch(a -> a.ack() == null) ? 0 : 1;
        return new Tile(d.id, d.attributes, state, since, d.label, d.probability, d.inferred, d.windowEnd, d.quality,
                d.qualityReason, d.model, alerts, history, severity);
    }
}
