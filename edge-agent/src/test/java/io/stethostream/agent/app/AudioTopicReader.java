package io.stethostream.agent.app;

import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.ChunkFormatException;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** Reads back what the agent wrote to the audio topic, for one device, from the beginning. */
final class AudioTopicReader {

    private AudioTopicReader() {
    }

    /** All chunks of {@code device} in log order; waits until {@code atLeast} arrived or {@code timeout} passed. */
    static List<AudioChunk> read(String bootstrap, String device, int atLeast, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<AudioChunk> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(Topics.AUDIO).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!device.equals(r.key())) {
                        continue;
                    }
                    try {
                        AudioChunk chunk = AudioChunkCodec.decode(r.value());
                        if (!device.equals(chunk.deviceId())) {
                            throw new AssertionError("key " + r.key() + " carries device " + chunk.deviceId());
                        }
                        out.add(chunk);
                    } catch (ChunkFormatException e) {
                        throw new AssertionError("undecodable chunk at offset " + r.offset(), e);
                    }
                }
                if (out.size() >= atLeast) {
                    // One more short poll so that unexpected extra records (duplicates) are seen too.
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (device.equals(r.key())) {
                            out.add(AudioChunkCodec.decode(r.value()));
                        }
                    }
                    break;
                }
            }
        }
        return out;
    }

    static List<Long> sequences(List<AudioChunk> chunks) {
        return chunks.stream().map(AudioChunk::sequence).collect(Collectors.toList());
    }

    static List<Long> range(long from, long toExclusive) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < toExclusive; i++) {
            out.add(i);
        }
        return out;
    }
}
