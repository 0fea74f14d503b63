package io.stethostream.agent.send;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The agent's producer configuration: the user's client properties (bootstrap, TLS, SASL, timeouts) under the
 * settings delivery depends on.
 *
 * <p>Forced, whatever the file says: idempotence, acks=all, one request in flight, batch size and linger, because the
 * sender's ordering argument ({@link ChunkSender}) rests on them. Defaults the file may override: compression, retry and delivery timeouts, batch sizes.
 */
public final class ProducerSettings {

    /** Compressions Kafka accepts for {@code compression.type}. */
    public static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
    /** Bytes of chunk values handed to the producer at once: must fit one batch (see {@link ChunkSender}). */
    public static final int WINDOW_BYTES = 256 * 1024;
    static final int BATCH_BYTES = 2 * WINDOW_BYTES;

    private ProducerSettings() {
    }

    /**
     * @param client      properties from {@code KafkaClientConfig.load} (bootstrap.servers and anything else)
     * @param compression one of {@link #COMPRESSIONS}, or null to keep the file's setting (lz4 if none)
     */
    public static Properties build(Properties client, String compression, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Bounded: a batch that the broker did not take within 30 s fails, and the sender resends it from the spool.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "200");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        // Small hardware: the spool, not the producer, is the buffer.
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(4 * BATCH_BYTES));
        p.putAll(client);
        if (compression != null) {
            String c = compression.toLowerCase(Locale.ROOT);
            if (!COMPRESSIONS.contains(c)) {
                throw new IllegalArgumentException("compression must be one of " + COMPRESSIONS + ", got " + compression);
            }
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, c);
        }
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(BATCH_BYTES));
        // Never delays anything (the sender flushes each window at once) but keeps a window in a single batch.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1000");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Math.max(1024 * 1024, 2 * BATCH_BYTES)));
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
