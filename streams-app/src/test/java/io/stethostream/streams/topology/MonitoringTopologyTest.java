package io.stethostream.streams.topology;

import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.DeadLetterHeaders;
import io.stethostream.protocol.Encoding;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.streams.alerts.AlertThresholds;
import io.stethostream.streams.metrics.StreamMetrics;
import io.stethostream.streams.models.ModelSlot;
import io.stethostream.streams.models.OnnxEdits;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.DeviceStatus;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.testing.TestAudio;
import io.stethostream.streams.testing.TestModels;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The production topology, driven with explicit timestamps and the real shipped model. */
class MonitoringTopologyTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> audio;
    private TestOutputTopic<String, WindowPrediction> predictions;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<byte[], byte[]> dlq;
    private StreamMetrics metrics;
    private ModelSlot slot = TestModels.sharedSlot();

    private void start(MonitoringConfig config) {
        start(config, null, "topology-test");
    }

    private void start(MonitoringConfig config, ExecutorService inference, String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        metrics = new StreamMetrics();
        driver = new TopologyTestDriver(MonitoringTopology.build(slot, config, metrics, inference), p, START);
        audio = driver.createInputTopic(StreamTopics.AUDIO, new ByteArraySerializer(), new ByteArraySerializer(),
                START, Duration.ofMillis(250));
        predictions = driver.createOutputTopic(StreamTopics.PREDICTIONS, new StringDeserializer(),
                StreamTopics.PREDICTION.deserializer());
        alerts = driver.createOutputTopic(StreamTopics.ALERTS, new StringDeserializer(),
                StreamTopics.ALERT.deserializer());
        dlq = driver.createOutputTopic(StreamTopics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(List<AudioChunk> chunks) {
        for (AudioChunk c : chunks) {
            audio.pipeInput(key(c.deviceId()), TestAudio.encode(c));
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private DeviceStatus status(String device) {
        KeyValueStore<String, DeviceStatus> s = driver.getKeyValueStore(StreamTopics.DEVICE_STATUS_STORE);
        return s.get(device);
    }

    private static List<Long> offsets(List<WindowPrediction> ps) {
        return ps.stream().map(p -> p.windowStartMicros() - TestAudio.T0).toList();
    }

    @Test
    void windowsFollowTheModelsSpecAndCarryProbabilitiesAndTheModel() {
        start(MonitoringConfig.defaults());
        send(TestAudio.chunks("bed-1", TestAudio.synth(SoundKind.NORMAL, 13, 16000, 1), 16000, 0.5, 0, TestAudio.T0));
        List<WindowPrediction> out = predictions.readValuesToList();
        assertEquals(List.of(0L, 2_000_000L, 4_000_000L), offsets(out)); // 8 s windows every 2 s; 12 s end <= 13 s
        ModelMetadata meta = slot.metadata();
        for (WindowPrediction p : out) {
            assertEquals("bed-1", p.device());
            assertEquals(p.windowStartMicros() + 8_000_000L, p.windowEndMicros());
            assertTrue(p.inferred(), p.quality().toString());
            assertEquals(meta.labels(), List.copyOf(p.probabilities().keySet()));
            assertEquals(1.0, p.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-4);
            assertTrue(meta.labels().contains(p.label()));
            assertEquals(meta.modelName(), p.model().name());
            assertEquals(meta.modelVersion(), p.model().version());
            assertEquals(TestModels.RELEASE, p.model().releaseId());
        }
        assertEquals("2026-01-01T00:00:02Z", out.get(1).windowStart());
        assertEquals(3, metrics.windows(true));
        assertEquals(3, status("bed-1").windows());
    }

    @Test
    void pipelinedInferencePublishesTheSamePredictionsInTheSameOrder() throws Exception {
        // Three devices interleaved chunk by chunk, one of them silent (windows skipped without the model).
        List<List<AudioChunk>> devices = new ArrayList<>();
        String[] ids = {"bed-c", "bed-w", "bed-s"};
        SoundKind[] kinds = {SoundKind.CRACKLE, SoundKind.WHEEZE, SoundKind.SILENCE};
        for (int d = 0; d < ids.length; d++) {
            devices.add(TestAudio.chunks(ids[d], TestAudio.synth(kinds[d], 16, 16000, 3 + d), 16000, 0.25, 0,
                    TestAudio.T0));
        }
        List<AudioChunk> chunks = new ArrayList<>();
        for (int i = 0; i < devices.get(0).size(); i++) {
            for (List<AudioChunk> d : devices) {
                chunks.add(d.get(i));
            }
        }
        start(MonitoringConfig.defaults());
        send(chunks);
        List<KeyValue<String, WindowPrediction>> inThread = predictions.readKeyValuesToList();
        assertEquals(15, inThread.size()); // 5 windows (8 s every 2 s in 16 s) per device
        driver.close();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            start(MonitoringConfig.defaults().withInferenceThreads(1), pool, "topology-test-pipelined");
            send(chunks);
            List<KeyValue<String, WindowPrediction>> pipelined = new ArrayList<>(predictions.readKeyValuesToList());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pipelined.size() < inThread.size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                driver.advanceWallClockTime(Duration.ofMillis(20)); // the tick that publishes what is ready
                pipelined.addAll(predictions.readKeyValuesToList());
            }
            assertEquals(inThread, pipelined, "same predictions, same order");
            assertEquals(10, metrics.windows(true));
            assertEquals(5, status("bed-w").windows());
        } finally {
            driver.close();
            driver = null;
            pool.shutdownNow();
        }
    }

    @Test
    void hopOverrideAndSilenceAreSkippedWithTheReason() {
        start(MonitoringConfig.defaults().withHopSeconds(4));
        send(TestAudio.chunks("bed-2", TestAudio.synth(SoundKind.SILENCE, 17, 8000, 1), 8000, 1.0, 0, TestAudio.T0));
        List<WindowPrediction> out = predictions.readValuesToList();
        assertEquals(List.of(0L, 4_000_000L, 8_000_000L), offsets(out));
        for (WindowPrediction p : out) {
            assertFalse(p.inferred());
            assertNull(p.label());
            assertNull(p.model());
            assertTrue(p.probabilities().isEmpty());
            assertEquals("SILENCE", p.quality().verdict().name());
            assertTrue(p.quality().reason().contains("dBFS"));
        }
    }

    @Test
    void reassemblyDropsDuplicatesReordersAndRecordsGaps() {
        start(MonitoringConfig.defaults().withReorderMaxChunks(2));
        List<AudioChunk> c = TestAudio.chunks("bed-3", TestAudio.synth(SoundKind.SILENCE, 21, 8000, 2), 8000, 0.5, 0,
                TestAudio.T0);
        List<AudioChunk> sent = new ArrayList<>(c);
        sent.remove(30); // lost: 0.5 s filled with silence once three later chunks wait
        java.util.Collections.swap(sent, 3, 4);
        sent.add(10, c.get(9)); // duplicate
        sent.add(6, c.get(1)); // late duplicate
        send(sent);
        DeviceStatus s = status("bed-3");
        assertEquals(2, s.duplicates());
        assertEquals(1, s.missingSequences());
        assertEquals(0, s.restarts());
        assertEquals(List.of(0L, 2_000_000L, 4_000_000L, 6_000_000L, 8_000_000L, 10_000_000L, 12_000_000L),
                offsets(predictions.readValuesToList()));

        // 10 s of nothing, then audio again: windowing restarts at the new capture time.
        long t1 = TestAudio.T0 + 31_000_000L;
        send(TestAudio.chunks("bed-3", TestAudio.synth(SoundKind.SILENCE, 9, 8000, 3), 8000, 0.5, 60, t1));
        List<WindowPrediction> after = predictions.readValuesToList();
        assertEquals(1, after.size());
        assertEquals(t1, after.get(0).windowStartMicros());
        assertEquals(1, status("bed-3").restarts());
    }

    @Test
    void everyMalformedRecordGoesToTheDeadLetterTopicUnchangedWithItsReason() {
        start(MonitoringConfig.defaults());
        AudioChunk good = TestAudio.chunks("bed-4", TestAudio.synth(SoundKind.NORMAL, 1, 16000, 1), 16000, 0.25, 0,
                TestAudio.T0).get(0);
        byte[] ok = TestAudio.encode(good);
        int rateAt = 3 + 2 + "bed-4".length() + 8 + 8;
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"TRUNCATED", key("bed-4"), Arrays.copyOf(ok, ok.length - 7)});
        byte[] v2 = ok.clone();
        v2[0] = 2;
        cases.add(new Object[] {"UNSUPPORTED_VERSION", key("bed-4"), v2});
        byte[] rate = ok.clone();
        ByteBuffer.wrap(rate).putInt(rateAt, 96_000);
        cases.add(new Object[] {"UNSUPPORTED_RATE", key("bed-4"), rate});
        byte[] enc = ok.clone();
        enc[1] = 9;
        cases.add(new Object[] {"UNSUPPORTED_ENCODING", key("bed-4"), enc});
        cases.add(new Object[] {"EMPTY", key("bed-4"), new byte[0]});
        cases.add(new Object[] {"TOO_LARGE", key("bed-4"), TestAudio.encode(new AudioChunk("bed-4", 1, TestAudio.T0,
                4000, Encoding.PCM_S16LE, new float[41_000], Map.of()))});
        float[] nan = new float[100];
        nan[50] = Float.NaN;
        cases.add(new Object[] {"NOT_FINITE", key("bed-4"), TestAudio.encode(new AudioChunk("bed-4", 1, TestAudio.T0,
                16000, Encoding.FLOAT32LE, nan, Map.of()))});
        cases.add(new Object[] {"KEY_MISMATCH", key("bed-5"), ok});
        cases.add(new Object[] {"KEY_MISMATCH", new byte[] {(byte) 0xff, (byte) 0xfe}, ok});
        cases.add(new Object[] {"MISSING_KEY", null, ok});
        for (Object[] c : cases) {
            audio.pipeInput((byte[]) c[1], (byte[]) c[2]);
        }
        audio.pipeInput(key("bed-4"), ok); // processing goes on
        List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
        assertEquals(cases.size(), out.size());
        for (int i = 0; i < cases.size(); i++) {
            TestRecord<byte[], byte[]> r = out.get(i);
            assertArrayEquals((byte[]) cases.get(i)[1], r.key());
            assertArrayEquals((byte[]) cases.get(i)[2], r.value());
            Headers h = r.headers();
            assertEquals(cases.get(i)[0], header(h, DeadLetterHeaders.REASON));
            assertFalse(header(h, DeadLetterHeaders.DETAIL).isBlank());
            assertEquals(StreamTopics.AUDIO, header(h, DeadLetterHeaders.SOURCE_TOPIC));
            assertEquals("0", header(h, DeadLetterHeaders.SOURCE_PARTITION));
            assertEquals(Integer.toString(i), header(h, DeadLetterHeaders.SOURCE_OFFSET));
        }
        assertEquals(1, status("bed-4").chunks());
        assertEquals(2, metrics.rejectedCount("KEY_MISMATCH"));
    }

    private static String header(Headers h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void signalLostIsRaisedOnceByWallClockAndClearedByAudio() {
        start(MonitoringConfig.defaults());
        List<AudioChunk> c = TestAudio.chunks("bed-6", TestAudio.synth(SoundKind.SILENCE, 2, 16000, 1), 16000, 0.5, 0,
                TestAudio.T0);
        send(c.subList(0, 2));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertTrue(alerts.isEmpty());
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        List<AlertEvent> e = alerts.readValuesToList();
        assertEquals(1, e.size());
        assertEquals(AlertEvent.Kind.SIGNAL_LOST, e.get(0).kind());
        assertEquals(AlertEvent.State.RAISED, e.get(0).state());
        assertTrue(status("bed-6").signalLost());
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertTrue(alerts.isEmpty());
        send(c.subList(2, 3));
        e = alerts.readValuesToList();
        assertEquals(1, e.size());
        assertEquals(AlertEvent.State.CLEARED, e.get(0).state());
        assertFalse(status("bed-6").signalLost());
    }

    @Test
    void sustainedBadQualityRaisesPoorSignalOnce() {
        start(MonitoringConfig.defaults().withAlerts(new AlertThresholds(3, 5, 3, 3, 2, 600_000, 1_000)));
        send(TestAudio.chunks("bed-7", TestAudio.synth(SoundKind.SILENCE, 20, 16000, 1), 16000, 0.5, 0, TestAudio.T0));
        assertEquals(7, predictions.readValuesToList().size());
        List<AlertEvent> e = alerts.readValuesToList();
        assertEquals(1, e.size());
        assertEquals(AlertEvent.Kind.POOR_SIGNAL, e.get(0).kind());
        assertEquals(AlertEvent.State.RAISED, e.get(0).state());
        assertEquals(3, e.get(0).evidence().size());
        assertEquals("2026-01-01T00:00:00Z", e.get(0).since());
    }

    @Test
    void batchingAcrossDevicesGivesTheSamePredictionsInOrder() {
        start(MonitoringConfig.defaults());
        List<AudioChunk> a = TestAudio.chunks("a", TestAudio.synth(SoundKind.CRACKLE, 10, 16000, 4), 16000, 0.5, 0,
                TestAudio.T0);
        List<AudioChunk> b = TestAudio.chunks("b", TestAudio.synth(SoundKind.WHEEZE, 10, 16000, 5), 16000, 0.5, 0,
                TestAudio.T0);
        send(a);
        send(b);
        List<WindowPrediction> single = predictions.readValuesToList();
        driver.close();
        driver = null;

        start(MonitoringConfig.defaults().withBatching(3, 5_000));
        for (int i = 0; i < a.size(); i++) { // interleaved, as devices really arrive
            send(List.of(a.get(i), b.get(i)));
        }
        List<WindowPrediction> batched = predictions.readValuesToList();
        assertEquals(3, batched.size()); // a full batch of 3 went at once; one window waits for the timer
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        batched.addAll(predictions.readValuesToList());
        assertEquals(4, batched.size());
        for (String d : List.of("a", "b")) {
            List<WindowPrediction> s = single.stream().filter(p -> p.device().equals(d)).toList();
            List<WindowPrediction> m = batched.stream().filter(p -> p.device().equals(d)).toList();
            assertEquals(offsets(s), offsets(m));
            for (int i = 0; i < s.size(); i++) {
                assertEquals(s.get(i).label(), m.get(i).label());
                for (String l : s.get(i).probabilities().keySet()) {
                    assertEquals(s.get(i).probabilities().get(l), m.get(i).probabilities().get(l), 1e-4);
                }
            }
        }
    }

    @Test
    void aSwappedInModelIsFedWithItsOwnNormalisation(@TempDir Path models) throws IOException {
        FeatureSpec spec = slot.featureSpec();
        FeatureSpec renormalised = spec.withNormalisation(spec.normMean() - 4, spec.normStd() / 2);
        Path file = models.resolve("renormalised.onnx");
        Files.write(file, OnnxEdits.withMetadata(Files.readAllBytes(TestModels.modelFile()),
                ModelMetadata.FEATURE_SPEC, renormalised.toJson()));
        OnnxModel.Options one = new OnnxModel.Options(1, OnnxModel.Device.CPU);
        float[] samples = TestAudio.synth(SoundKind.WHEEZE, 14, 16000, 9);
        try (ModelSlot own = new ModelSlot(TestModels.open(), "r1");
             OnnxModel expected = OnnxModel.open(file, one)) {
            slot = own;
            start(MonitoringConfig.defaults());
            List<AudioChunk> c = TestAudio.chunks("bed-9", samples, 16000, 0.5, 0, TestAudio.T0);
            send(c.subList(0, 21)); // windows at 0 and 2 s with the first model
            own.swap(OnnxModel.open(file, one), "r2");
            send(c.subList(21, c.size()));
            List<WindowPrediction> out = predictions.readValuesToList();
            assertEquals(List.of("r1", "r1", "r2", "r2"), out.stream().map(p -> p.model().releaseId()).toList());
            for (WindowPrediction p : out) {
                int start = (int) ((p.windowStartMicros() - TestAudio.T0) * 16_000 / 1_000_000);
                float[] w = Arrays.copyOfRange(samples, start, start + spec.windowSamples());
                boolean swapped = p.model().releaseId().equals("r2");
                // what the serving model gives offline on the window normalised with its own statistics / the other
                FeatureSpec served = swapped ? renormalised : spec;
                Predictions offline = expected.predict(new FeatureExtractor(served).modelInput(w).data(), 1);
                Predictions other = expected.predict(new FeatureExtractor(swapped ? spec : renormalised)
                        .modelInput(w).data(), 1);
                double fromOwn = 0;
                double fromOther = 0;
                for (int k = 0; k < offline.labels().size(); k++) {
                    double p0 = p.probabilities().get(offline.labels().get(k));
                    fromOwn = Math.max(fromOwn, Math.abs(p0 - offline.probabilities()[0][k]));
                    fromOther = Math.max(fromOther, Math.abs(p0 - other.probabilities()[0][k]));
                }
                // the stream's incremental log-mel differs from the offline one in the fourth decimal of the output;
                // the other normalisation moves it in the second
                assertTrue(fromOwn < 1e-3, p.windowStart() + ": " + fromOwn);
                assertTrue(fromOther > 1e-2, p.windowStart() + ": " + fromOther);
            }
        } finally {
            slot = TestModels.sharedSlot();
        }
    }

    @Test
    void aModelSwappedMidStreamServesTheNextWindowWithNoWindowLost() {
        try (ModelSlot own = new ModelSlot(TestModels.open(), "r1")) {
            slot = own;
            start(MonitoringConfig.defaults());
            List<AudioChunk> c = TestAudio.chunks("bed-8", TestAudio.synth(SoundKind.NORMAL, 14, 16000, 8), 16000, 0.5,
                    0, TestAudio.T0);
            send(c.subList(0, 21)); // 10.5 s: windows at 0 and 2 s
            own.swap(TestModels.open(), "r2");
            send(c.subList(21, c.size()));
            List<WindowPrediction> out = predictions.readValuesToList();
            assertEquals(List.of(0L, 2_000_000L, 4_000_000L, 6_000_000L), offsets(out));
            assertEquals(List.of("r1", "r1", "r2", "r2"), out.stream().map(p -> p.model().releaseId()).toList());
            driver.close();
            driver = null;
        } finally {
            slot = TestModels.sharedSlot();
        }
    }
}
