package io.stethostream.streams.topology;

import io.stethostream.streams.dashboard.RecentSpectrograms;
import io.stethostream.streams.metrics.StreamMetrics;
import io.stethostream.streams.models.ModelSlot;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import java.util.concurrent.ExecutorService;

/**
 * The monitoring topology, built the same way for production and for tests.
 *
 * <pre>
 * audio-source (stethoscope.audio, raw bytes)
 *   └─ decode-chunks ──────────────┬─ dlq-sink (stethoscope.audio.dlq, original bytes + reason headers)
 *        └─ device-windows ────────┤   [device-state, device-audio, device-status]
 *             ├─ predictions-sink (stethoscope.predictions, JSON)
 *             └─ alerts ─ alerts-sink (stethoscope.alerts, JSON)   [alert-state]
 * </pre>
 * Everything runs in one sub-topology per input partition, keyed by device id; every node and store is named here.
 */
public final class MonitoringTopology {

    public static final String SOURCE = "audio-source";
    public static final String DECODE = "decode-chunks";
    public static final String WINDOWS = "device-windows";
    public static final String ALERTS = "alerts";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String PREDICTIONS_SINK = "predictions-sink";
    public static final String ALERTS_SINK = "alerts-sink";

    private MonitoringTopology() {
    }

    /**
     * @param slot    the served model; its feature spec fixes rate, window and features
     * @param config  the topology's settings
     * @param metrics where the processors count
     */
    public static Topology build(ModelSlot slot, MonitoringConfig config, StreamMetrics metrics) {
        return build(slot, config, metrics, null); // no pool: the model runs in the stream thread
    }

    /**
     * @param inference the pool the model runs in (pipelined with chunk processing), or null to run it in the stream
     *                  thread; the caller owns it and sizes it from {@code inference.threads} (as {@code MonitoringApp})
     */
    public static Topology build(ModelSlot slot, MonitoringConfig config, StreamMetrics metrics,
                                 ExecutorService inference) {
        return build(slot, config, metrics, inference, null);
    }

    /**
     * @param spectrograms where each inferred window's model input is kept for the dashboard's device view, or null
     */
    public static Topology build(ModelSlot slot, MonitoringConfig config, StreamMetrics metrics,
                                 ExecutorService inference, RecentSpectrograms spectrograms) {
        config.effectiveSpec(slot.featureSpec()); // fail now, not in a stream thread, on an unusable hop
        Topology t = new Topology();
        t.addSource(SOURCE, StreamTopics.RAW.deserializer(), StreamTopics.RAW.deserializer(), StreamTopics.AUDIO);
        t.addProcessor(DECODE, () -> new ChunkDecodeProcessor(metrics), SOURCE);
        t.addProcessor(WINDOWS, () -> new DeviceWindowProcessor(slot, config, metrics, inference, spectrograms), DECODE);
        t.addProcessor(ALERTS, () -> new AlertProcessor(config, metrics), WINDOWS);
        t.addSink(DLQ_SINK, StreamTopics.DLQ, StreamTopics.RAW.serializer(), StreamTopics.RAW.serializer(),
                DECODE, WINDOWS);
        t.addSink(PREDICTIONS_SINK, StreamTopics.PREDICTIONS, StreamTopics.DEVICE_ID.serializer(),
                StreamTopics.PREDICTION.serializer(), WINDOWS);
        t.addSink(ALERTS_SINK, StreamTopics.ALERTS, StreamTopics.DEVICE_ID.serializer(), StreamTopics.ALERT.serializer(),
                ALERTS);
        // The audio and its reassembly head are short-lived and bounded per device (one window); in memory they cost
        // less per chunk than RocksDB. Both kinds are changelogged, so either survives a crash the same way.
        t.addStateStore(Stores.keyValueStoreBuilder(audioStore(StreamTopics.DEVICE_STATE_STORE, config),
                StreamTopics.DEVICE_ID, StreamTopics.RAW).withCachingEnabled(), WINDOWS);
        // Blocks are written once and deleted once: a cache would only hold them in memory twice.
        t.addStateStore(Stores.keyValueStoreBuilder(audioStore(StreamTopics.DEVICE_AUDIO_STORE, config),
                StreamTopics.DEVICE_ID, StreamTopics.RAW).withCachingDisabled(), WINDOWS);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamTopics.DEVICE_STATUS_STORE),
                StreamTopics.DEVICE_ID, StreamTopics.STATUS).withCachingEnabled(), WINDOWS);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamTopics.ALERT_STATE_STORE),
                StreamTopics.DEVICE_ID, StreamTopics.ALERT_STATE).withCachingEnabled(), ALERTS);
        return t;
    }

    private static KeyValueBytesStoreSupplier audioStore(String name, MonitoringConfig config) {
        return config.audioStateInMemory() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
