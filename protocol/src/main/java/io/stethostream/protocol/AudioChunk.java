package io.stethostream.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * One piece of a device's audio stream, as the agent captured it.
 *
 * @param deviceId          the stethoscope (also the record key)
 * @param sequence          0, 1, 2, ... per device, continuing across agent restarts; the stream reorders by it
 * @param captureTimeMicros wall-clock time of the first sample, microseconds since the epoch
 * @param sampleRate        4000 to 48000 Hz; the stream resamples to the model's rate
 * @param encoding          how the samples travel on the wire
 * @param samples           mono samples in [-1, 1] (already decoded from the wire encoding)
 * @param attributes        optional free fields such as {@code patient} and {@code location}; never null
 */
public record AudioChunk(String deviceId, long sequence, long captureTimeMicros, int sampleRate, Encoding encoding,
                         float[] samples, Map<String, String> attributes) {

    public static final int MIN_RATE = 4_000;
    public static final int MAX_RATE = 48_000;
    /** Longest chunk accepted: agents send about 250 ms; ten seconds bounds a record's memory. */
    public static final double MAX_SECONDS = 10.0;

    public AudioChunk {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(samples, "samples");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Microseconds of audio in this chunk. */
    public long durationMicros() {
        return Math.round(samples.length * 1e6 / sampleRate);
    }

    /** Capture time just after the last sample. */
    public long endTimeMicros() {
        return captureTimeMicros + durationMicros();
    }

    public String attribute(String name) {
        return attributes.get(name);
    }
}
