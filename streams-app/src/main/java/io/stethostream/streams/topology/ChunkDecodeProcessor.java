package io.stethostream.streams.topology;

import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.ChunkFormatException;
import io.stethostream.streams.metrics.StreamMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes audio records; anything that is not a valid chunk for its key goes to the dead-letter topic unchanged, with
 * the reason in headers, and processing goes on.
 */
final class ChunkDecodeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkDecodeProcessor.class);

    private final StreamMetrics metrics;
    private ProcessorContext<Object, Object> context;

    ChunkDecodeProcessor(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] key = record.key();
        byte[] value = record.value();
        AudioChunk chunk;
        try {
            chunk = AudioChunkCodec.decode(value);
        } catch (ChunkFormatException e) {
            reject(record, e.reason().name(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            reject(record, DeadLetters.PROCESSING_FAILED, "decoder failed: " + e);
            return;
        }
        if (key == null) {
            reject(record, DeadLetters.MISSING_KEY, "record has no key; the key must be the device id "
                    + chunk.deviceId());
            return;
        }
        String device = utf8(key);
        if (!chunk.deviceId().equals(device)) {
            reject(record, ChunkFormatException.Reason.KEY_MISMATCH.name(), "record key "
                    + (device == null ? "is not valid UTF-8" : "'" + device + "'") + " but the chunk is from device '"
                    + chunk.deviceId() + "'");
            return;
        }
        context.forward(new Record<>(device, new DecodedChunk(chunk, key, value), record.timestamp(), record.headers()),
                MonitoringTopology.WINDOWS);
    }

    private void reject(Record<byte[], byte[]> record, String reason, String detail) {
        metrics.rejected(reason);
        LOG.debug("dead-lettered record: {}", detail);
        context.forward(DeadLetters.record(context, record.key(), record.value(), record.headers(), record.timestamp(),
                reason, detail), MonitoringTopology.DLQ_SINK);
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
