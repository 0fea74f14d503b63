package io.stethostream.agent.app;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the capture thread has done; written by it, read by the status line. */
public final class CaptureStats {

    final AtomicLong chunks = new AtomicLong();
    final AtomicLong samples = new AtomicLong();
    final AtomicLong lostChunks = new AtomicLong();
    volatile int sampleRate;
    volatile boolean sourceFailed;
    final AtomicReference<String> lastError = new AtomicReference<>();

    /** Chunks captured and spooled. */
    public long chunks() {
        return chunks.get();
    }

    /** Samples captured and spooled. */
    public long samples() {
        return samples.get();
    }

    /** Chunks captured but not spooled because the disk refused them (the spool's own drops are counted there). */
    public long lostChunks() {
        return lostChunks.get();
    }

    /** The source's current rate, Hz (0 before the first chunk). */
    public int sampleRate() {
        return sampleRate;
    }

    /** Whether capture ended because the source failed (not because it was exhausted or stopped). */
    public boolean sourceFailed() {
        return sourceFailed;
    }

    /** The last capture or spool error, or null. */
    public String lastError() {
        return lastError.get();
    }
}
