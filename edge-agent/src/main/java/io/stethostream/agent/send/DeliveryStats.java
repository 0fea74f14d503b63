package io.stethostream.agent.send;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the sender has done so far; written by the sender thread, read by the status line. */
public final class DeliveryStats {

    final AtomicLong sentChunks = new AtomicLong();
    final AtomicLong sentValueBytes = new AtomicLong();
    final AtomicLong failedWindows = new AtomicLong();
    final AtomicLong lastSentSequence = new AtomicLong(-1);
    final AtomicReference<String> lastError = new AtomicReference<>();

    /** Chunks the broker acknowledged. */
    public long sentChunks() {
        return sentChunks.get();
    }

    /** Bytes of record values acknowledged (before compression). */
    public long sentValueBytes() {
        return sentValueBytes.get();
    }

    /** Send attempts that failed and were retried from the spool. */
    public long failedWindows() {
        return failedWindows.get();
    }

    /** Sequence number of the last acknowledged chunk, or -1. */
    public long lastSentSequence() {
        return lastSentSequence.get();
    }

    /** The last delivery error, with its time, or null when none occurred. */
    public String lastError() {
        return lastError.get();
    }
}
