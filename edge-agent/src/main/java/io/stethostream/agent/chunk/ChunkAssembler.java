package io.stethostream.agent.chunk;

import io.stethostream.agent.source.CapturedBlock;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.Encoding;

import java.util.Map;
import java.util.Objects;

/**
 * Turns captured blocks into wire-format chunks: numbers them, adds the device id and attributes, encodes 16-bit PCM.
 * Used by the capture thread only.
 */
public final class ChunkAssembler {

    private final String deviceId;
    private final Map<String, String> attributes;
    private long nextSequence;

    /**
     * @param firstSequence the number of the first chunk (the spool's next sequence, so numbering continues)
     * @param attributes    optional fields such as {@code patient} and {@code location}
     */
    public ChunkAssembler(String deviceId, Map<String, String> attributes, long firstSequence) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.attributes = Map.copyOf(attributes);
        this.nextSequence = firstSequence;
    }

    /** The next chunk as a chunk record; its sequence is {@link #nextSequence()} before the call. */
    public AudioChunk assemble(CapturedBlock block) {
        return new AudioChunk(deviceId, nextSequence++, block.captureTimeMicros(), block.sampleRate(),
                Encoding.PCM_S16LE, block.samples(), attributes);
    }

    /** Encodes a chunk for the spool and the wire. */
    public static byte[] encode(AudioChunk chunk) {
        return AudioChunkCodec.encode(chunk);
    }

    /** The sequence number the next chunk will carry. */
    public long nextSequence() {
        return nextSequence;
    }

    /** The device id every chunk carries. */
    public String deviceId() {
        return deviceId;
    }
}
