package io.stethostream.streams.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts one device's chunks back in sequence order: duplicates and chunks older than the stream are dropped, chunks
 * ahead of the expected one wait in a bounded buffer, and when the buffer is full the stream gives up on the missing
 * ones and goes on from the lowest buffered sequence (a gap). Not thread-safe; its state is exposed for storing.
 */
public final class ChunkReassembler {

    /** What the reassembler keeps of a chunk: enough to resample it and place it in time. */
    public record Piece(long sequence, long captureTimeMicros, int sampleRate, float[] samples) {

        public long endTimeMicros() {
            return captureTimeMicros + Math.round(samples.length * 1e6 / sampleRate);
        }
    }

    /** A piece released in order; {@code skipped} sequence numbers were given up on just before it. */
    public record Released(Piece piece, long skipped) {
    }

    private final int capacity;
    private long expected; // -1: nothing seen yet
    private final TreeMap<Long, Piece> waiting = new TreeMap<>();

    public ChunkReassembler(int capacity) {
        this(capacity, -1, List.of());
    }

    /** Restores a reassembler from {@link #expected()} and {@link #waiting()}. */
    public ChunkReassembler(int capacity, long expected, List<Piece> waiting) {
        if (capacity < 0) {
            throw new IllegalArgumentException("reorder capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.expected = expected;
        for (Piece p : waiting) {
            this.waiting.put(p.sequence(), p);
        }
    }

    /**
     * Offers a chunk; returns the pieces that can now go on, in order (empty when it waits, or is a duplicate: see
     * {@link #isDuplicate}).
     */
    public List<Released> offer(Piece p) {
        List<Released> out = new ArrayList<>();
        if (expected < 0) {
            expected = p.sequence(); // a stream may start anywhere (agents continue numbering across restarts)
        }
        if (isDuplicate(p.sequence())) {
            return out;
        }
        waiting.put(p.sequence(), p);
        drain(out);
        while (waiting.size() > capacity) {
            long first = waiting.firstKey();
            long skipped = first - expected;
            expected = first;
            Piece next = waiting.remove(first);
            out.add(new Released(next, skipped));
            expected++;
            drain(out);
        }
        return out;
    }

    /** Whether a chunk with this sequence number was already released or is waiting. */
    public boolean isDuplicate(long sequence) {
        return expected >= 0 && (sequence < expected || waiting.containsKey(sequence));
    }

    private void drain(List<Released> out) {
        Piece next;
        while ((next = waiting.remove(expected)) != null) {
            out.add(new Released(next, 0));
            expected++;
        }
    }

    /** The next sequence number the stream needs, or -1 before the first chunk. */
    public long expected() {
        return expected;
    }

    /** Pieces waiting for a missing sequence number, in order. */
    public List<Piece> waiting() {
        return List.copyOf(waiting.values());
    }

    public int capacity() {
        return capacity;
    }
}
