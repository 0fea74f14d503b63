package io.stethostream.agent.app;

import io.stethostream.agent.spool.SpoolConfig;
import io.stethostream.protocol.Topics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything one agent run needs, validated when built.
 *
 * @param deviceId       the stethoscope's id: the record key and the chunk's device field
 * @param attributes     optional chunk attributes (patient, location)
 * @param chunkMillis    chunk length, 20 ms to 10 s
 * @param spoolDir       the spool directory (one per device)
 * @param spool          spool limits
 * @param producer       complete producer properties ({@code ProducerSettings.build})
 * @param topic          where the chunks go
 * @param drainTimeout   how long a shutdown keeps sending what is spooled
 * @param statusInterval how often the status line is logged
 */
public record AgentConfig(String deviceId, Map<String, String> attributes, int chunkMillis, Path spoolDir,
                          SpoolConfig spool, Properties producer, String topic, Duration drainTimeout,
                          Duration statusInterval) {

    public static final int MIN_CHUNK_MILLIS = 20;
    public static final int MAX_CHUNK_MILLIS = 10_000;

    public AgentConfig {
        Objects.requireNonNull(deviceId, "deviceId");
        if (deviceId.isBlank() || deviceId.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("device id must be 1..255 UTF-8 bytes and not blank, got '" + deviceId
                    + "'");
        }
        if (chunkMillis < MIN_CHUNK_MILLIS || chunkMillis > MAX_CHUNK_MILLIS) {
            throw new IllegalArgumentException("chunk length must be " + MIN_CHUNK_MILLIS + ".." + MAX_CHUNK_MILLIS
                    + " ms, got " + chunkMillis);
        }
        attributes = Map.copyOf(new LinkedHashMap<>(attributes));
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(producer, "producer");
        topic = topic == null ? Topics.AUDIO : topic;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(10) : drainTimeout;
        statusInterval = statusInterval == null ? Duration.ofSeconds(5) : statusInterval;
    }
}
