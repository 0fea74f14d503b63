package io.stethostream.protocol;

/** Header names on {@link Topics#AUDIO_DLQ} records; the value and key are the original record's, unchanged. */
public final class DeadLetterHeaders {

    /** A {@link ChunkFormatException.Reason} name, or another upper-case reason code of the stream. */
    public static final String REASON = "stethostream.dlq.reason";
    /** A human-readable sentence: what was wrong and where. */
    public static final String DETAIL = "stethostream.dlq.detail";
    public static final String SOURCE_TOPIC = "stethostream.dlq.topic";
    public static final String SOURCE_PARTITION = "stethostream.dlq.partition";
    public static final String SOURCE_OFFSET = "stethostream.dlq.offset";

    private DeadLetterHeaders() {
    }
}
