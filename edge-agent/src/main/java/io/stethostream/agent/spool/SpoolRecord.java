package io.stethostream.agent.spool;

/**
 * One record held by the {@link Spool}: an encoded audio chunk and what the spool needs to order and age it.
 *
 * @param sequence     the chunk's sequence number; records are contiguous and increasing inside the spool
 * @param appendMillis wall-clock time the record was appended, milliseconds since the epoch (for the age limit)
 * @param value        the Kafka record value, exactly as it will be sent
 */
public record SpoolRecord(long sequence, long appendMillis, byte[] value) {
}
