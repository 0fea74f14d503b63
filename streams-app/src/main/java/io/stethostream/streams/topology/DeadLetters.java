package io.stethostream.streams.topology;

import io.stethostream.protocol.DeadLetterHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Builds dead-letter records: the original key and value, the original headers, plus the reason headers. */
final class DeadLetters {

    /** A record without a key cannot be assigned to a device. */
    static final String MISSING_KEY = "MISSING_KEY";
    /** A record that decoded but broke the per-device processing (a bug, or input no check foresaw). */
    static final String PROCESSING_FAILED = "PROCESSING_FAILED";

    private DeadLetters() {
    }

    static Record<byte[], byte[]> record(ProcessorContext<?, ?> context, byte[] key, byte[] value, Headers original,
                                         long timestamp, String reason, String detail) {
        Headers h = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0] : original.toArray());
        h.add(DeadLetterHeaders.REASON, utf8(reason));
        h.add(DeadLetterHeaders.DETAIL, utf8(detail == null ? reason : detail));
        Optional<RecordMetadata> m = context.recordMetadata();
        if (m.isPresent()) {
            h.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(m.get().topic()));
            h.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(m.get().partition())));
            h.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(m.get().offset())));
        }
        return new Record<>(key, value, timestamp, h);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
