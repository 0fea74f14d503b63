package io.stethostream.streams.models;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.protocol.Topics;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy, hot swap, refusal and rollback of model releases on the real embedded broker, with the shipped model. */
class ModelReleasesIntegrationTest {

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static Properties client;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
        client = new Properties();
        client.put("bootstrap.servers", broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static String topic(String name) throws Exception {
        broker.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(EmbeddedKafkaBroker.compacted())));
        return name;
    }

    @Test
    void goodReleasesSwapInBadOnesAreRefusedAndRollbackReturns() throws Exception {
        String topic = topic("models-swap");
        byte[] v1 = OnnxEdits.shipped();
        byte[] v2 = OnnxEdits.withMetadata(v1, ModelMetadata.MODEL_VERSION, "v2-test");
        ModelPublisher publisher = new ModelPublisher(client, topic);
        ModelRelease r1 = publisher.deploy(v1, "m", "v1");
        ModelAcceptance acceptance = new ModelAcceptance(dir.resolve("cache"), new OnnxModel.Options(1, OnnxModel.Device.CPU));

        try (ModelWatcher watcher = new ModelWatcher(client, topic, acceptance, "instance-1")) {
            ModelWatcher.Accepted first = watcher.initial(Duration.ofSeconds(30)).orElseThrow();
            assertEquals(r1.sha256(), first.sha256());
            String shippedVersion = first.model().metadata().modelVersion();
            try (ModelSlot slot = new ModelSlot(first.model(), first.sha256())) {
                watcher.start(slot);
                // Inference keeps running on other threads through every swap below: no failure, no closed model.
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(2);
                List<Future<Integer>> load = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    load.add(pool.submit(() -> infer(slot, stop)));
                }

                ModelRelease r2 = publisher.deploy(v2, "m", "v2-test");
                await(() -> r2.sha256().equals(slot.releaseId()), "v2 swapped in");
                assertEquals("v2-test", slot.metadata().modelVersion());

                // Each bad release is refused with its reason; v2 keeps serving.
                String refusedBefore = null;
                Map<String, byte[]> bad = Map.of(
                        "not a servable model", Arrays.copyOf(v1, v1.length / 2),
                        "canary output is not finite", OnnxEdits.withNaNHead(v1),
                        "input shape", OnnxEdits.withMetadata(v1, ModelMetadata.FEATURE_SPEC,
                                FeatureSpec.PATCH_MIX.withWindowSeconds(4).toJson()),
                        "incompatible feature spec", OnnxEdits.withMetadata(v1, ModelMetadata.FEATURE_SPEC,
                                FeatureSpec.fromJson(OnnxEdits.metadata(v1, ModelMetadata.FEATURE_SPEC))
                                        .withHopSeconds(1.0).toJson()),
                        "incompatible labels", OnnxEdits.withMetadata(v1, ModelMetadata.LABELS,
                                "[\"crackle\",\"normal\",\"wheeze\",\"both\"]"));
                long refused = 0;
                for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                    ModelRelease r = publisher.deploy(e.getValue(), "m", "bad");
                    long want = ++refused;
                    await(() -> watcher.refusedCount() == want, e.getKey());
                    ModelStatus status = watcher.lastStatus();
                    assertEquals(ModelStatus.REFUSED, status.outcome());
                    assertEquals(r.sha256(), status.sha256());
                    assertTrue(status.reason().contains(e.getKey()), status.reason());
                    assertEquals(r2.sha256(), status.serving());
                    assertEquals(r2.sha256(), slot.releaseId());
                }

                // A manifest whose chunks were tampered with in the topic: checksum mismatch, refused.
                ModelRelease r3 = publisher.deploy(OnnxEdits.withMetadata(v1, ModelMetadata.MODEL_VERSION, "v3"), "m", "v3");
                await(() -> watcher.refusedCount() == 5 && r3.sha256().equals(slot.releaseId()), "v3 accepted");
                tamper(topic, r3);
                publisher.deploy(OnnxEdits.withMetadata(v1, ModelMetadata.MODEL_VERSION, "v4"), "m", "v4");
                await(() -> "v4".equals(slot.metadata().modelVersion()), "v4 accepted");
                // Rolling back from v4 goes to v3, whose stored chunk is now corrupt: refused, v4 keeps serving.
                assertEquals(r3.sha256(), publisher.rollback());
                await(() -> watcher.refusedCount() == 6, "tampered v3 refused");
                assertTrue(watcher.lastStatus().reason().contains("checksum mismatch"), watcher.lastStatus().reason());
                assertEquals("v4", slot.metadata().modelVersion());
                // Rolling back further walks through the bad releases (each refused again) until v2 serves again.
                int rollbacks = 0;
                while (!"v2-test".equals(slot.metadata().modelVersion())) {
                    String target = publisher.rollback();
                    await(() -> watcher.lastStatus().sha256().equals(target), "rollback to " + target + " handled");
                    rollbacks++;
                }
                assertEquals(r2.sha256(), slot.releaseId());
                assertEquals(bad.size() + 1, rollbacks, "one rollback per refused release between v3 and v2, then one to v2");

                stop.set(true);
                int batches = 0;
                for (Future<Integer> f : load) {
                    batches += f.get(30, TimeUnit.SECONDS); // rethrows any inference failure during the swaps
                }
                pool.shutdown();
                assertTrue(batches > 0);
                assertFalse(shippedVersion.isEmpty());
            }
        }

        // A new instance starts with the latest accepted release (v2), not the file it was given.
        try (ModelWatcher fresh = new ModelWatcher(client, topic, acceptance, "instance-2")) {
            ModelWatcher.Accepted a = fresh.initial(Duration.ofSeconds(30)).orElseThrow();
            try (OnnxModel m = a.model()) {
                assertEquals("v2-test", m.metadata().modelVersion());
            }
        }
        // Statuses of both instances are in the topic for operators (deploy --wait reads them).
        try (ModelTopicReader reader = new ModelTopicReader(client, topic)) {
            reader.catchUp(Duration.ofSeconds(30));
            assertEquals(List.of("instance-1", "instance-2"), new ArrayList<>(reader.statuses().keySet()));
        }
    }

    @Test
    void rollbackWithNothingBeforeIsRefused() throws Exception {
        String topic = topic("models-rollback");
        ModelPublisher publisher = new ModelPublisher(client, topic);
        assertThrows(IllegalStateException.class, publisher::rollback);
        publisher.deploy(OnnxEdits.shipped(), "m", "v1");
        IllegalStateException e = assertThrows(IllegalStateException.class, publisher::rollback);
        assertTrue(e.getMessage().contains("only one release"), e.getMessage());
        // deploy(Path) opens the file first: a file that is no model never reaches the topic.
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {1, 2, 3});
        assertThrows(ModelRefusedException.class, () -> publisher.deploy(junk));
        assertTrue(publisher.current().history().isEmpty(), "the refused file left no release behind");
    }

    private static int infer(ModelSlot slot, AtomicBoolean stop) {
        int n = 0;
        while (!stop.get()) {
            try (ModelSlot.Lease lease = slot.acquire()) {
                OnnxModel m = lease.model();
                Predictions p = m.predict(new float[m.windowSize()], 1);
                if (p.batch() != 1) {
                    throw new AssertionError("batch " + p.batch());
                }
                n++;
            }
        }
        return n;
    }

    /** Overwrites chunk 0 of a release with other bytes of the same length, as a corrupted topic would hold. */
    private static void tamper(String topic, ModelRelease r) throws Exception {
        Properties p = ModelTopic.producer(client);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            byte[] junk = new byte[ModelTopic.CHUNK_BYTES];
            Arrays.fill(junk, (byte) 7);
            producer.send(new ProducerRecord<>(topic, 0, ModelTopic.chunkKey(r.sha256(), 0), junk)).get();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
