package io.stethostream.streams.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The layout of {@link Topics#MODELS} (one partition, compacted; docs/protocol.md "Model releases").
 *
 * <ul>
 *   <li>{@code chunk/SHA/I}: bytes {@code I*CHUNK_BYTES ...} of the model file whose SHA-256 is SHA;</li>
 *   <li>{@code release/SHA}: its {@link ModelRelease} manifest (JSON), written after all its chunks;</li>
 *   <li>{@code desired}: the {@link DesiredModel} every instance should serve, written last;</li>
 *   <li>{@code status/INSTANCE}: the {@link ModelStatus} of each application instance.</li>
 * </ul>
 * Keys are content-addressed, so compaction keeps every file that a release names, and a re-deploy of the same file
 * rewrites the same records. One partition keeps the order: chunks, then manifest, then the pointer.
 */
public final class ModelTopic {

    /** Half the broker's default message size, so a chunk plus its key always fits. */
    public static final int CHUNK_BYTES = 512 * 1024;
    public static final String DESIRED = "desired";

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private ModelTopic() {
    }

    public static String chunkKey(String sha, int index) {
        return "chunk/" + sha + "/" + index;
    }

    public static String releaseKey(String sha) {
        return "release/" + sha;
    }

    public static String statusKey(String instance) {
        return "status/" + instance;
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T parse(byte[] bytes, Class<T> type) throws IOException {
        return JSON.readValue(bytes, type);
    }

    /** Producer settings on top of the user's client properties: idempotent, acks=all, room for one chunk. */
    static Properties producer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(CHUNK_BYTES + 64 * 1024));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"); // model weights do not compress
        return p;
    }

    /** Consumer settings: no group (every reader reads the whole topic itself), bytes values. */
    static Properties consumer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(2 * CHUNK_BYTES));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
