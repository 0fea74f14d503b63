package io.stethostream.streams.models;

import io.stethostream.protocol.Topics;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * What {@code deploy} and {@code rollback} do: publish a model file and point every instance at it, or point them back
 * at the release deployed before. Instances decide for themselves whether they can serve it ({@link ModelAcceptance}).
 */
public final class ModelPublisher {

    private final Properties client;
    private final String topic;

    public ModelPublisher(Properties client) {
        this(client, Topics.MODELS);
    }

    public ModelPublisher(Properties client, String topic) {
        this.client = client;
        this.topic = topic;
    }

    /**
     * Publishes {@code file} (chunks, then manifest, then the desired pointer). The file is opened first, so a file
     * that is not a servable Stethostream model never reaches the topic.
     *
     * @throws ModelRefusedException when the file is not a valid Stethostream model (the message says why)
     * @throws IOException           when the file cannot be read or the topic cannot be written
     */
    public ModelRelease deploy(Path file) throws IOException, ModelRefusedException {
        byte[] bytes = Files.readAllBytes(file);
        ModelMetadata meta;
        try (OnnxModel model = OnnxModel.open(file, new OnnxModel.Options(1, OnnxModel.Device.CPU))) {
            meta = model.metadata();
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
        return deploy(bytes, meta.modelName(), meta.modelVersion());
    }

    /** Publishes bytes as they are, without opening them: how tests deliver corrupt or misbehaving files. */
    public ModelRelease deploy(byte[] bytes, String modelName, String modelVersion) throws IOException {
        String sha = ModelTopicReader.sha256(bytes);
        int chunks = (bytes.length + ModelTopic.CHUNK_BYTES - 1) / ModelTopic.CHUNK_BYTES;
        ModelRelease release = new ModelRelease(sha, bytes.length, chunks, modelName, modelVersion, Instant.now(),
                System.getProperty("user.name") + "@" + host());
        DesiredModel previous = current();
        List<String> history = new ArrayList<>();
        if (previous != null) {
            history.add(previous.sha256());
            history.addAll(previous.history());
        }
        history.remove(sha);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ModelTopic.producer(client))) {
            for (int i = 0; i < chunks; i++) {
                int from = i * ModelTopic.CHUNK_BYTES;
                byte[] part = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + ModelTopic.CHUNK_BYTES));
                producer.send(new ProducerRecord<>(topic, 0, ModelTopic.chunkKey(sha, i), part));
            }
            producer.send(new ProducerRecord<>(topic, 0, ModelTopic.releaseKey(sha), ModelTopic.json(release)));
            send(producer, new DesiredModel(sha, "deploy", Instant.now(), trim(history)));
        }
        return release;
    }

    /**
     * Points every instance back at the release deployed before the current one.
     *
     * @return the release now desired
     * @throws IllegalStateException when nothing was deployed before
     */
    public String rollback() throws IOException {
        DesiredModel now = current();
        if (now == null || now.history().isEmpty()) {
            throw new IllegalStateException("nothing to roll back to: " + (now == null ? "no model was ever deployed"
                    : "only one release (" + now.sha256().substring(0, 12) + ") was deployed"));
        }
        List<String> rest = now.history().subList(1, now.history().size());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ModelTopic.producer(client))) {
            send(producer, new DesiredModel(now.history().get(0), "rollback", Instant.now(), rest));
        }
        return now.history().get(0);
    }

    /** The desired release as the topic says now, or null. */
    public DesiredModel current() {
        try (ModelTopicReader reader = new ModelTopicReader(client, topic)) {
            reader.catchUp(Duration.ofSeconds(30));
            return reader.desired().orElse(null);
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, DesiredModel desired) throws IOException {
        try {
            producer.send(new ProducerRecord<>(topic, 0, ModelTopic.DESIRED, ModelTopic.json(desired))).get();
        } catch (ExecutionException e) {
            throw new IOException("cannot publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic, e);
        }
    }

    private static List<String> trim(List<String> history) {
        return history.size() <= DesiredModel.MAX_HISTORY ? history : history.subList(0, DesiredModel.MAX_HISTORY);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
