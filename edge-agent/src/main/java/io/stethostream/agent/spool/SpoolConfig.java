package io.stethostream.agent.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the on-disk spool.
 *
 * @param maxBytes     total size of all segment files; when an append would exceed it the oldest segments are dropped
 * @param segmentBytes a segment is closed and a new one started once it reaches this size
 * @param maxAge       records appended longer ago than this are dropped (whole segments), sent or not
 */
public record SpoolConfig(long maxBytes, long segmentBytes, Duration maxAge) {

    /** About 9 hours of 16 kHz 16-bit mono audio. */
    public static final long DEFAULT_MAX_BYTES = 1024L * 1024 * 1024;
    /** About 2 minutes of 16 kHz audio: small enough that dropping one loses little, large enough for few files. */
    public static final long DEFAULT_SEGMENT_BYTES = 4L * 1024 * 1024;
    /** Audio older than a day is of no use to a bedside monitor. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

    public SpoolConfig {
        Objects.requireNonNull(maxAge, "maxAge");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("spool segment size must be at least 1 KiB, got " + segmentBytes);
        }
        // Dropping works on whole closed segments, so at least two must fit.
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("spool size limit " + maxBytes + " must be at least two segments ("
                    + 2 * segmentBytes + " bytes)");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("spool age limit must be positive, got " + maxAge);
        }
    }

    /** The defaults: 1 GiB, 4 MiB segments, 24 h. */
    public static SpoolConfig defaults() {
        return new SpoolConfig(DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_AGE);
    }

    /** The defaults with another size limit (segments shrink so that at least eight fit). */
    public static SpoolConfig ofMaxBytes(long maxBytes) {
        long segment = Math.max(1024, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 8));
        return new SpoolConfig(maxBytes, segment, DEFAULT_MAX_AGE);
    }

    public SpoolConfig withMaxAge(Duration age) {
        return new SpoolConfig(maxBytes, segmentBytes, age);
    }
}
