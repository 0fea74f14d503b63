package io.stethostream.streams.models;

import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Follows {@link Topics#MODELS} and keeps an index of it: manifests, the desired release, instance statuses, and the
 * offset of every file chunk (not the bytes: a topic may hold many model files, and only one is ever needed).
 * {@link #fetch} reads one file's chunks back and checks them against the manifest. Not thread-safe: one owner.
 */
public final class ModelTopicReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTopicReader.class);

    private final Properties client;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<String, ModelRelease> releases = new HashMap<>();
    private final Map<String, TreeMap<Integer, Location>> chunks = new HashMap<>();
    private final Map<String, ModelStatus> statuses = new TreeMap<>();
    private DesiredModel desired;
    private long desiredOffset = -1;

    private record Location(int partition, long offset) {
    }

    public ModelTopicReader(Properties client) {
        this(client, Topics.MODELS);
    }

    public ModelTopicReader(Properties client, String topic) {
        this.client = client;
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(ModelTopic.consumer(client));
        // A topic created a moment ago may not be in every broker's metadata yet: ask again for a while.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (partitions.isEmpty()) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    consumer.close();
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    consumer.close();
                    throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
                }
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads everything published so far; returns true when the desired release changed. */
    public boolean catchUp(Duration timeout) {
        long before = desiredOffset;
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end) && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(200));
        }
        return desiredOffset != before;
    }

    /** One poll; returns true when the desired release changed. */
    public boolean poll(Duration timeout) {
        long before = desiredOffset;
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            index(r);
        }
        return desiredOffset != before;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void index(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            return;
        }
        try {
            if (key.startsWith("chunk/")) {
                String[] parts = key.split("/");
                TreeMap<Integer, Location> m = chunks.computeIfAbsent(parts[1], k -> new TreeMap<>());
                if (r.value() == null) {
                    m.remove(Integer.parseInt(parts[2]));
                } else {
                    m.put(Integer.parseInt(parts[2]), new Location(r.partition(), r.offset()));
                }
            } else if (key.startsWith("release/")) {
                String sha = key.substring("release/".length());
                if (r.value() == null) {
                    releases.remove(sha);
                } else {
                    releases.put(sha, ModelTopic.parse(r.value(), ModelRelease.class));
                }
            } else if (key.equals(ModelTopic.DESIRED) && r.value() != null) {
                desired = ModelTopic.parse(r.value(), DesiredModel.class);
                desiredOffset = r.offset();
            } else if (key.startsWith("status/") && r.value() != null) {
                statuses.put(key.substring("status/".length()), ModelTopic.parse(r.value(), ModelStatus.class));
            }
        } catch (IOException | RuntimeException e) {
            // A record this build cannot read must not stop the instance from serving: log and skip it.
            LOG.warn("skipping unreadable record {} at {}-{} offset {}: {}", key, r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    public Optional<DesiredModel> desired() {
        return Optional.ofNullable(desired);
    }

    public Optional<ModelRelease> release(String sha) {
        return Optional.ofNullable(releases.get(sha));
    }

    /** Latest status per instance, sorted by instance id. */
    public Map<String, ModelStatus> statuses() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(statuses));
    }

    /**
     * The file of a release, reassembled from its chunks and checked against the manifest's size and SHA-256.
     *
     * @throws IOException naming what is missing or wrong (no manifest, a missing chunk, size or checksum mismatch)
     */
    public byte[] fetch(String sha) throws IOException {
        ModelRelease release = releases.get(sha);
        if (release == null) {
            throw new IOException("no release manifest for " + sha);
        }
        TreeMap<Integer, Location> locations = chunks.getOrDefault(sha, new TreeMap<>());
        for (int i = 0; i < release.chunks(); i++) {
            if (!locations.containsKey(i)) {
                throw new IOException("release " + release.shortId() + ": chunk " + i + " of " + release.chunks()
                        + " is missing from " + topic);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(release.size(), Integer.MAX_VALUE));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ModelTopic.consumer(client))) {
            for (int i = 0; i < release.chunks(); i++) {
                Location loc = locations.get(i);
                TopicPartition tp = new TopicPartition(topic, loc.partition());
                c.assign(List.of(tp));
                c.seek(tp, loc.offset());
                out.write(readAt(c, loc, ModelTopic.chunkKey(sha, i)));
            }
        }
        byte[] file = out.toByteArray();
        if (file.length != release.size()) {
            throw new IOException("release " + release.shortId() + ": reassembled " + file.length
                    + " bytes, the manifest says " + release.size());
        }
        String actual = sha256(file);
        if (!actual.equals(sha)) {
            throw new IOException("release " + release.shortId() + ": checksum mismatch (file hashes to "
                    + actual.substring(0, 12) + ")");
        }
        return file;
    }

    private static byte[] readAt(KafkaConsumer<String, byte[]> c, Location loc, String key) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.offset() == loc.offset() && key.equals(r.key()) && r.value() != null) {
                    return r.value();
                }
                if (r.offset() >= loc.offset()) {
                    throw new IOException("record " + key + " not found at offset " + loc.offset());
                }
            }
        }
        throw new IOException("timed out reading " + key);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
