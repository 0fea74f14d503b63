package io.stethostream.agent.source;

/**
 * Real-time pacing of recorded audio: releases each block when its last sample would have been captured, and stamps
 * it with the wall-clock time its first sample was played. Without pacing ("fast"), blocks go out as soon as they are
 * asked for, stamped with the time they were emitted.
 */
public final class Pacer {

    private final boolean realTime;
    private long startNanos = -1;
    private long startMicros;
    private long playedMicros;

    /** @param realTime true to pace like a live device, false for as fast as possible */
    public Pacer(boolean realTime) {
        this.realTime = realTime;
    }

    /**
     * Waits (when pacing) until a block of {@code durationMicros} starting after everything played so far has ended,
     * and returns the wall-clock time of its first sample in epoch microseconds.
     */
    public long release(long durationMicros) throws InterruptedException {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
            startMicros = System.currentTimeMillis() * 1000;
        }
        long blockStart = playedMicros;
        playedMicros += durationMicros;
        if (!realTime) {
            return System.currentTimeMillis() * 1000;
        }
        // Sleep against the start instant, not per block, so sleeping overshoot does not accumulate into drift.
        long dueNanos = startNanos + playedMicros * 1000;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return startMicros + blockStart;
    }
}
