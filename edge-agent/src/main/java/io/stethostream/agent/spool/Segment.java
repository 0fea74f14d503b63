package io.stethostream.agent.spool;

import java.nio.file.Path;

/** What the spool knows of one segment file without reading it: its sequence range, size and append times. */
final class Segment {

    final Path path;
    final long baseSequence;
    long lastSequence;
    long sizeBytes;
    long firstAppendMillis;
    long lastAppendMillis;

    Segment(Path path, long baseSequence) {
        this.path = path;
        this.baseSequence = baseSequence;
        this.lastSequence = baseSequence - 1;
        this.sizeBytes = SegmentFormat.HEADER_BYTES;
    }

    boolean isEmpty() {
        return lastSequence < baseSequence;
    }

    /** Records with sequence >= {@code from}; sequence numbers are contiguous inside a segment. */
    long recordsFrom(long from) {
        return Math.max(0, lastSequence - Math.max(from, baseSequence) + 1);
    }

    static String fileName(long baseSequence) {
        return String.format("%020d.seg", baseSequence);
    }
}
