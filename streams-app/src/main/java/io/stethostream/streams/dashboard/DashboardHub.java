package io.stethostream.streams.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes the dashboard's state to open pages as Server-Sent Events. A page that connects gets a {@code snapshot}
 * (every tile, the feed, the model panel), then a {@code delta} per tick with what changed (tiles with their new
 * points only, new feed items and acknowledgements) and a {@code models} event when the panel changed. Changes are
 * coalesced per tick, so a burst of 100 devices costs one message, not 100. A page that cannot keep up (its queue is
 * full) is disconnected; the browser reconnects and starts again from a snapshot.
 */
public final class DashboardHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardHub.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int QUEUE = 64;
    private static final long HEARTBEAT_MS = 15_000;
    private static final String CLOSE = "";

    private final WardState ward;
    private final ReleaseBoard releases;
    private final String instance;
    private final int maxClients;
    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final AtomicLong bytes = new AtomicLong();
    private final Object lock = new Object(); // a snapshot and the deltas after it are never interleaved
    private volatile boolean closed;

    /**
     * @param instance   this instance's id, shown on the page
     * @param tickMillis how often changes are pushed
     * @param maxClients most pages served at once (more get 503)
     */
    public DashboardHub(WardState ward, ReleaseBoard releases, String instance, long tickMillis, int maxClients) {
        this.ward = ward;
        this.releases = releases;
        this.instance = instance;
        this.maxClients = maxClients;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stethostream-dashboard-hub");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Open pages now. */
    public int clients() {
        return clients.size();
    }

    /** Bytes of events written to pages so far (for the per-page cost figure). */
    public long bytesSent() {
        return bytes.get();
    }

    /** The state as a page that connects now sees it (also served as JSON at /api/state). */
    public Map<String, Object> snapshot() {
        WardState.Snapshot s = ward.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", instance);
        m.put("serverTime", System.currentTimeMillis());
        m.put("tiles", s.tiles());
        m.put("feed", s.feed());
        m.put("acks", s.acks());
        m.put("models", releases.panel());
        return m;
    }

    /** {@link #snapshot()} as JSON. */
    public String snapshotJson() {
        try {
            return JSON.writeValueAsString(snapshot());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void tick() {
        synchronized (lock) {
            tickLocked();
        }
    }

    private void tickLocked() {
        try {
            WardState.Delta d = ward.drain();
            boolean models = releases.drainChanged();
            if (!d.isEmpty()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("serverTime", System.currentTimeMillis());
                m.put("tiles", d.tiles());
                m.put("feed", d.feed());
                m.put("acks", d.acks());
                broadcast(event("delta", m));
            }
            if (models) {
                broadcast(event("models", releases.panel()));
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard tick failed: {}", e.toString());
        }
    }

    private void broadcast(String event) {
        for (BlockingQueue<String> q : clients) {
            if (!q.offer(event)) {
                LOG.info("a dashboard page fell behind; disconnecting it (it reconnects with a snapshot)");
                q.clear();
                q.offer(CLOSE);
            }
        }
    }

    static String event(String name, Object data) {
        try {
            return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serves one page's event stream on the calling thread until the page goes away or the hub closes.
     *
     * @return false when too many pages are open (nothing was written)
     */
    public boolean serve(OutputStream out) throws IOException {
        if (clients.size() >= maxClients) {
            return false;
        }
        BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE);
        String first;
        synchronized (lock) { // every delta queued from now on is newer than this snapshot
            clients.add(q);
            first = "retry: 2000\n\n" + event("snapshot", snapshot());
        }
        try {
            write(out, first);
            while (!closed) {
                String e = q.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                if (e == CLOSE) { // identity: the marker, not an empty event
                    return true;
                }
                write(out, e == null ? ": keep-alive\n\n" : e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(q);
        }
        return true;
    }

    private void write(OutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b);
        out.flush();
        bytes.addAndGet(b.length);
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        for (BlockingQueue<String> q : clients) {
            q.clear();
            q.offer(CLOSE);
        }
    }
}
