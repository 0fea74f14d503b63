package io.stethostream.streams.app;

import io.stethostream.protocol.KafkaClientConfig;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.streams.alerts.AlertState;
import io.stethostream.streams.dashboard.Dashboard;
import io.stethostream.streams.metrics.StreamMetrics;
import io.stethostream.streams.models.ModelSlot;
import io.stethostream.streams.records.DeviceStatus;
import io.stethostream.streams.topology.MonitoringConfig;
import io.stethostream.streams.topology.MonitoringTopology;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * One instance of the monitoring application: topics, the Kafka Streams runtime of {@link MonitoringTopology}, and
 * the HTTP endpoint. Construct, {@link #start()}, {@link #close()}; the model slot is the caller's (close it after).
 *
 * <pre>
 * try (OnnxModel model = OnnxModel.open(path);
 *      ModelSlot slot = new ModelSlot(model, releaseId);   // the slot closes the model when replaced or closed
 *      MonitoringApp app = new MonitoringApp(AppConfig.defaults(bootstrap, stateDir), MonitoringConfig.defaults(), slot)) {
 *     app.start();
 *     app.awaitTermination();
 * }
 * </pre>
 */
public final class MonitoringApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringApp.class);

    /** A device's status and its active alerts, as /devices shows them. */
    public record DeviceView(DeviceStatus status, List<String> activeAlerts) {
    }

    private final AppConfig app;
    /** Kafka Streams commit interval unless the client properties set {@code commit.interval.ms}. */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 500;

    private final MonitoringConfig config;
    private final ModelSlot slot;
    private final StreamMetrics metrics = new StreamMetrics();
    private final DeviceListing deviceListing = new DeviceListing(java.time.Clock.systemUTC());
    private KafkaStreams streams;
    private ExecutorService inference; // null unless inference.threads > 0
    private final HttpAccess access;
    private final RestoreProgress restoring = new RestoreProgress();
    private HttpStatusServer http;
    private Dashboard dashboard;
    private volatile boolean closed;

    /** An instance whose HTTP endpoint (when on) listens on loopback only, without users. */
    public MonitoringApp(AppConfig app, MonitoringConfig config, ModelSlot slot) {
        this(app, config, slot, HttpAccess.loopback());
    }

    /** @param access where the HTTP endpoint listens and who may use it */
    public MonitoringApp(AppConfig app, MonitoringConfig config, ModelSlot slot, HttpAccess access) {
        this.app = app;
        this.config = config;
        this.slot = slot;
        this.access = access;
    }

    /** Kafka Streams settings: the client file's, then ours (exactly-once, state dir, serdes are per node). */
    public static Properties streamsProperties(AppConfig app, Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, app.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                app.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, app.streamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, app.standbyReplicas());
        if (app.replication() > 0) {
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) app.replication());
        }
        // Each exactly-once commit blocks the stream thread for a transaction round trip (~6 ms here); at Kafka
        // Streams' EOS default of 100 ms that was ~6 % of the thread's time. 500 ms costs ~0.25 s of median latency
        // on a 2 s hop and gives that capacity back (docs/benchmarks-stream.md). A client file may set another.
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        // Records of one poll are a few chunks per device; a window takes tens of ms to infer on a CPU.
        p.putIfAbsent(StreamsConfig.consumerPrefix("max.poll.records"), 100);
        // Predictions are small; audio chunks may be up to ~2 MB (10 s of 48 kHz float).
        p.putIfAbsent(StreamsConfig.producerPrefix("max.request.size"), 4 * 1024 * 1024);
        return p;
    }

    /** Creates missing topics, starts the stream and the HTTP endpoint; returns at once (see {@link #awaitRunning}). */
    public synchronized void start() throws IOException {
        if (streams != null) {
            return;
        }
        Properties client = KafkaClientConfig.load(app.bootstrapServers(), app.kafkaConfigFile());
        TopicSetup.createMissing(client, app.partitions(), app.replication());
        ModelMetadata meta = slot.metadata();
        metrics.model(meta.modelName(), meta.modelVersion(), slot.releaseId());
        if (config.inferenceThreads() > 0) {
            AtomicInteger n = new AtomicInteger();
            inference = Executors.newFixedThreadPool(config.inferenceThreads(), r -> {
                Thread t = new Thread(r, "inference-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        Properties props = streamsProperties(app, client);
        if (app.httpPort() >= 0) {
            // The endpoint starts first: its port goes into application.server, which tells every instance's
            // dashboard where a device's features are (interactive queries).
            dashboard = new Dashboard(client, app.applicationId() + "@" + ProcessHandle.current().pid());
            http = new HttpStatusServer(app.httpPort(), access, this, metrics, dashboard);
            props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, access.advertisedHost() + ":" + http.port());
        }
        streams = new KafkaStreams(MonitoringTopology.build(slot, config, metrics, inference,
                dashboard == null ? null : dashboard.spectrograms()), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; stopping this instance (exactly-once: uncommitted work is redone by "
                    + "the next owner)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setGlobalStateRestoreListener(restoring);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                warnIfIdle();
            }
        });
        metrics.gauge("stethostream_consumer_lag_records", "Largest consumer lag of this instance's input partitions",
                this::lag);
        streams.start();
        LOG.info("monitoring started: application {}, model {} {}, http {}", app.applicationId(), meta.modelName(),
                meta.modelVersion(), http == null ? "off" : http.port());
    }

    /** Waits until the stream is RUNNING; false on timeout or failure. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the stream stops (close, or a fatal error). */
    public void awaitTermination() throws InterruptedException {
        while (!closed) {
            KafkaStreams.State s = state();
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** The stream's state, or CREATED before start. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    /** Alive: started and not failed. */
    public boolean healthy() {
        KafkaStreams.State s = state();
        return !closed && s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
                && s != KafkaStreams.State.PENDING_ERROR;
    }

    /** Ready: processing (not restoring or rebalancing). */
    public boolean ready() {
        return !closed && state() == KafkaStreams.State.RUNNING;
    }

    /** What {@code /ready} says: the state, and which stores are being restored while devices move here. */
    public String readiness() {
        String r = restoring.describe();
        return state() + (r.isEmpty() ? "" : ", " + r);
    }

    /** After a rebalance: an instance with no task of the audio topic only waits (more instances than partitions). */
    private void warnIfIdle() {
        KafkaStreams s = streams;
        if (s == null) {
            return;
        }
        boolean active = s.metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
        if (!active) {
            LOG.warn("this instance was given no partition of {} ({} partitions, shared by the other instances of "
                    + "{}): it handles no device until one leaves, and keeps standby copies if configured",
                    StreamTopics.AUDIO, partitionsOfAudio(), app.applicationId());
        }
    }

    private String partitionsOfAudio() {
        try {
            return Integer.toString(streams.metadataForAllStreamsClients().stream()
                    .mapToInt(m -> m.topicPartitions().size()).sum());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    /**
     * Where the stream threads spend their time, from Kafka Streams' own thread metrics: the fractions
     * {@code process-ratio}, {@code commit-ratio}, {@code poll-ratio}, {@code punctuate-ratio} (averaged over threads)
     * and {@code commit-latency-avg} in ms. Empty before the stream starts. For benchmarks and diagnosis.
     */
    public Map<String, Double> threadTimeShares() {
        KafkaStreams s = streams;
        Map<String, Double> sums = new TreeMap<>();
        Map<String, Integer> counts = new HashMap<>();
        if (s == null) {
            return sums;
        }
        for (Map.Entry<MetricName, ? extends Metric> e : s.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (!"stream-thread-metrics".equals(n.group()) || !THREAD_TIME_METRICS.contains(n.name())) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
                sums.merge(n.name(), num.doubleValue(), Double::sum);
                counts.merge(n.name(), 1, Integer::sum);
            }
        }
        sums.replaceAll((k, v) -> v / counts.get(k));
        return sums;
    }

    private static final Set<String> THREAD_TIME_METRICS =
            Set.of("process-ratio", "commit-ratio", "poll-ratio", "punctuate-ratio", "commit-latency-avg");

    /** The HTTP port, or -1 when the endpoint is off or not started. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The dashboard of this instance, or null when the HTTP endpoint is off. */
    public Dashboard dashboard() {
        return dashboard;
    }

    /**
     * The other instance whose tasks handle this device, when Kafka Streams knows one; empty when it is this instance,
     * unknown, or the stream is not running.
     */
    Optional<HostInfo> ownerOf(String device) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING || http == null) {
            return Optional.empty();
        }
        KeyQueryMetadata m = s.queryMetadataForKey(StreamTopics.DEVICE_STATUS_STORE, device,
                StreamTopics.DEVICE_ID.serializer());
        HostInfo h = m == null ? null : m.activeHost();
        if (h == null || h.equals(HostInfo.unavailable()) || h.port() == http.port() && isSelf(h.host())) {
            return Optional.empty();
        }
        return Optional.of(h);
    }

    private boolean isSelf(String host) {
        return host.equals(access.advertisedHost()) || host.equals("localhost") || host.equals(access.bindAddress());
    }

    /** The devices this instance's tasks own, from the stores (interactive queries; other instances' are not here). */
    /**
     * The devices this instance's tasks handle, with their status and active alerts; while partitions move (the stores
     * cannot be queried) the last list read, marked stale ({@link DeviceListing}).
     */
    DeviceListing.Snapshot deviceListing() {
        KafkaStreams s = streams;
        KafkaStreams.State state = s == null ? null : s.state();
        return deviceListing.current(state == null ? "NOT_STARTED" : state.name(), state == KafkaStreams.State.RUNNING,
                () -> queryDevices(s));
    }

    private static List<DeviceView> queryDevices(KafkaStreams s) {
        ReadOnlyKeyValueStore<String, DeviceStatus> statuses = s.store(StoreQueryParameters
                .fromNameAndType(StreamTopics.DEVICE_STATUS_STORE, QueryableStoreTypes.<String, DeviceStatus>keyValueStore()));
        ReadOnlyKeyValueStore<String, AlertState> alerts = s.store(StoreQueryParameters
                .fromNameAndType(StreamTopics.ALERT_STATE_STORE, QueryableStoreTypes.<String, AlertState>keyValueStore()));
        List<DeviceView> out = new ArrayList<>();
        try (KeyValueIterator<String, DeviceStatus> it = statuses.all()) {
            while (it.hasNext()) {
                KeyValue<String, DeviceStatus> kv = it.next();
                AlertState a = alerts.get(kv.key);
                List<String> active = a == null ? List.of() : a.active().stream().map(k -> k.json()).toList();
                out.add(new DeviceView(kv.value, active));
            }
        }
        return out;
    }

    private double lag() {
        KafkaStreams s = streams;
        if (s == null) {
            return Double.NaN;
        }
        double max = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : s.metrics().entrySet()) {
            if (e.getKey().name().equals("records-lag-max") && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic")) {
                Object v = e.getValue().metricValue();
                if (v instanceof Double d && !d.isNaN()) {
                    max = Math.max(max, d);
                }
            }
        }
        return max;
    }

    /** Stops the HTTP endpoint and the stream, leaving the consumer group so a restart need not wait it out. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            LOG.info("monitoring stopped");
        }
        if (inference != null) {
            inference.shutdownNow(); // after the stream threads: nothing waits for it any more
        }
    }
}
