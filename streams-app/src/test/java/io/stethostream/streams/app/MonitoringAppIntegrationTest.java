package io.stethostream.streams.app;

import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.DeadLetterHeaders;
import io.stethostream.protocol.Topics;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import io.stethostream.streams.models.ModelSlot;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.testing.TestAudio;
import io.stethostream.streams.testing.TestModels;
import io.stethostream.streams.topology.MonitoringConfig;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application on a real single-node broker, with the shipped model, synthetic devices and exactly-once. */
class MonitoringAppIntegrationTest {

    /** Synthetic devices: kind and sample rate (every rate is resampled to the model's 16 kHz). */
    private static final Map<String, Object[]> DEVICES = new LinkedHashMap<>();

    static {
        DEVICES.put("normal-1", new Object[] {SoundKind.NORMAL, 16000});
        DEVICES.put("crackle-1", new Object[] {SoundKind.CRACKLE, 44100});
        DEVICES.put("wheeze-1", new Object[] {SoundKind.WHEEZE, 8000});
    }

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new EmbeddedKafkaBroker(dir.resolve("broker"), 0).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        broker.close();
    }

    private AppConfig appConfig() throws Exception {
        // Through the client properties file, as an operator would: quick failure detection for the restart test.
        Path props = dir.resolve("client.properties");
        Files.writeString(props, "consumer.session.timeout.ms=6000\nconsumer.heartbeat.interval.ms=1000\n"
                + "commit.interval.ms=200\n");
        return new AppConfig("it-monitor", broker.bootstrapServers(), props, dir.resolve("state"), 0, true, 2,
                (short) 1, 1, 0);
    }

    private MonitoringApp startApp(ModelSlot slot) throws Exception {
        return startApp(slot, MonitoringConfig.defaults());
    }

    private MonitoringApp startApp(ModelSlot slot, MonitoringConfig config) throws Exception {
        MonitoringApp app = new MonitoringApp(appConfig(), config, slot);
        toClose.add(app);
        app.start();
        assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "not running: " + app.state());
        return app;
    }

    private Map<String, List<AudioChunk>> audio(double seconds) {
        Map<String, List<AudioChunk>> out = new LinkedHashMap<>();
        long seed = 1;
        for (Map.Entry<String, Object[]> d : DEVICES.entrySet()) {
            int rate = (Integer) d.getValue()[1];
            float[] x = TestAudio.synth((SoundKind) d.getValue()[0], seconds, rate, seed++);
            out.put(d.getKey(), TestAudio.chunks(d.getKey(), x, rate, 0.25, 0, TestAudio.T0));
        }
        return out;
    }

    private void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> records(Map<String, List<AudioChunk>> audio, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < to; i++) { // devices interleaved, in real-time order
            for (List<AudioChunk> chunks : audio.values()) {
                if (i < chunks.size()) {
                    AudioChunk c = chunks.get(i);
                    out.add(new ProducerRecord<>(Topics.AUDIO, c.deviceId().getBytes(StandardCharsets.UTF_8),
                            TestAudio.encode(c)));
                }
            }
        }
        return out;
    }

    /** Committed records of a topic, read from the start until {@code done} holds or the timeout passes. */
    private List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                      Duration timeout) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<WindowPrediction> predictions(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> StreamTopics.PREDICTION.deserializer().deserialize("t", r.value())).toList();
    }

    /** Window starts (seconds from the capture start) per device, in publication order. */
    private static Map<String, List<Double>> starts(List<WindowPrediction> ps) {
        Map<String, List<Double>> m = new HashMap<>();
        for (WindowPrediction p : ps) {
            m.computeIfAbsent(p.device(), k -> new ArrayList<>()).add((p.windowStartMicros() - TestAudio.T0) / 1e6);
        }
        return m;
    }

    private static List<Double> expectedStarts(int windows) {
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < windows; k++) {
            out.add(2.0 * k);
        }
        return out;
    }

    private static String get(int port, String path, int expectStatus) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectStatus, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @Test
    void endToEndFromChunksToPredictionsAlertsAndDeadLetters() throws Exception {
        ModelSlot slot = TestModels.sharedSlot();
        MonitoringApp app = startApp(slot);
        Map<String, List<AudioChunk>> audio = audio(14.5); // windows at 0, 2, 4, 6 s per device
        List<ProducerRecord<byte[], byte[]>> recs = records(audio, 0, 58);
        byte[] good = recs.get(0).value();
        recs.add(5, new ProducerRecord<>(Topics.AUDIO, "normal-1".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(good, 20)));
        recs.add(9, new ProducerRecord<>(Topics.AUDIO, "someone-else".getBytes(StandardCharsets.UTF_8), good));
        produce(recs);

        List<WindowPrediction> ps = predictions(read(Topics.PREDICTIONS, l -> l.size() >= 12, Duration.ofSeconds(90)));
        Map<String, List<Double>> starts = starts(ps);
        for (String d : DEVICES.keySet()) {
            assertEquals(expectedStarts(4), starts.get(d), d);
        }
        assertEquals(12, ps.size());
        ModelMetadata meta = slot.metadata();
        for (WindowPrediction p : ps) {
            assertTrue(p.inferred(), p.device() + " " + p.quality());
            assertEquals(meta.modelVersion(), p.model().version());
            assertEquals(meta.modelName(), p.model().name());
        }

        List<ConsumerRecord<byte[], byte[]>> dead = read(Topics.AUDIO_DLQ, l -> l.size() >= 2, Duration.ofSeconds(30));
        assertEquals(List.of("TRUNCATED", "KEY_MISMATCH"), dead.stream().map(r -> new String(
                r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8)).toList());

        // Alerts, if the (weak) model raises any, follow the lifecycle: raised first, never twice in a row.
        Map<String, AlertEvent.State> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(Topics.ALERTS, l -> false, Duration.ofSeconds(2))) {
            AlertEvent e = StreamTopics.ALERT.deserializer().deserialize("t", r.value());
            String key = e.device() + "/" + (e.kind() == AlertEvent.Kind.POOR_SIGNAL ? "poor" : "abnormal");
            AlertEvent.State before = last.put(key, e.state());
            if (e.state() == AlertEvent.State.RAISED) {
                assertTrue(before == null || before == AlertEvent.State.CLEARED, key + " raised twice");
            } else {
                assertTrue(before != null && before != AlertEvent.State.CLEARED, key + " " + e.state() + " before raised");
            }
            assertEquals(meta.modelVersion(), e.model().version());
        }

        int port = app.httpPort();
        assertTrue(get(port, "/health", 200).startsWith("ok"));
        assertTrue(get(port, "/ready", 200).startsWith("ready"));
        String metrics = get(port, "/metrics", 200);
        assertTrue(metrics.contains("stethostream_windows_total{outcome=\"inferred\"} 12"), metrics);
        assertTrue(metrics.contains("stethostream_rejected_records_total{reason=\"TRUNCATED\"} 1"), metrics);
        assertTrue(metrics.contains("stethostream_model_info{name=\"" + meta.modelName() + "\""), metrics);
        assertTrue(metrics.contains("stethostream_inference_seconds"), metrics);
        assertTrue(metrics.contains("stethostream_consumer_lag_records"), metrics);
        String devices = get(port, "/devices", 200);
        for (String d : DEVICES.keySet()) {
            assertTrue(devices.contains("\"device\":\"" + d + "\""), devices);
        }
        app.close();
        assertEquals(KafkaStreams.State.NOT_RUNNING, app.state());
    }

    /**
     * Without batching, with windows waiting up to 1.5 s for a batch, and with the model in an inference pool: in the
     * last two, commits (every 200 ms) store device states whose windows are computed but not yet emitted, and the
     * restarted instance must compute them again.
     */
    @ParameterizedTest
    @CsvSource({"0, 0", "1500, 0", "0, 1"})
    void anInstanceKilledMidStreamAndRestartedLosesAndRepeatsNoPrediction(long batchWaitMs, int inferenceThreads)
            throws Exception {
        MonitoringConfig config = MonitoringConfig.defaults().withBatching(4, batchWaitMs)
                .withInferenceThreads(inferenceThreads);
        Map<String, List<AudioChunk>> audio = audio(20.5); // 7 windows per device: 0 .. 12 s
        ModelSlot slotA = new ModelSlot(TestModels.open(), "release-A");
        toClose.add(slotA);
        MonitoringApp a = startApp(slotA, config);
        produce(records(audio, 0, 44)); // 11 s: windows at 0 and 2 s
        List<WindowPrediction> before = predictions(read(Topics.PREDICTIONS, l -> l.size() >= 6,
                Duration.ofSeconds(60)));
        assertEquals(6, before.size());

        // Kill: the model disappears under the running instance; its next batch fails the stream thread, and the
        // transaction holding the chunks it had processed since the last commit is aborted.
        slotA.close();
        produce(records(audio, 44, 82));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (a.healthy() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertNotEquals(KafkaStreams.State.RUNNING, a.state());
        a.close();

        ModelSlot slotB = new ModelSlot(TestModels.open(), "release-B");
        toClose.add(slotB);
        startApp(slotB, config);
        List<WindowPrediction> all = predictions(read(Topics.PREDICTIONS, l -> l.size() >= 21, Duration.ofSeconds(90)));
        // Anything late would be a duplicate: give it time to show up.
        all = predictions(read(Topics.PREDICTIONS, l -> false, Duration.ofSeconds(3)));
        Map<String, List<Double>> starts = starts(all);
        for (String d : DEVICES.keySet()) {
            assertEquals(expectedStarts(7), starts.get(d), d);
        }
        assertEquals(21, all.size());
        // Windows 0 and 2 s came from the first instance; every later one from the restarted instance.
        for (WindowPrediction p : all) {
            boolean early = p.windowStartMicros() - TestAudio.T0 < 4_000_000L;
            assertEquals(early ? "release-A" : "release-B", p.model().releaseId(), p.device() + " " + p.windowStart());
        }
    }
}
