package io.stethostream.streams.audio;

import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.StreamingFeatures;
import io.stethostream.streams.audio.ChunkReassembler.Piece;
import io.stethostream.streams.audio.ChunkReassembler.Released;

import java.util.Arrays;
import java.util.Optional;

/**
 * One device's audio from chunks to feature windows: reassembly in sequence order, gap handling, streaming
 * resampling to the model rate, and sliding windows with their log-mel ({@link StreamingFeatures}, only the new frames
 * per hop). Pure: no Kafka; the processor stores it with {@link DeviceStreamCodec} after every change.
 *
 * <p><b>Positions.</b> Model-rate samples are numbered from the device's first sample and the numbering never resets;
 * a <i>segment</i> is a stretch of continuous audio. A window's capture time is the segment's first capture time plus
 * its offset in samples at the model rate, so it is exact for the audio the device claims to have sent, and the
 * device's own clock only matters at segment starts.
 *
 * <p><b>Gaps.</b> Missing sequence numbers shorter than {@code gapRestartMicros} (measured between the capture times
 * around them) are filled with silence so that later windows keep their place in time; longer ones, a change of
 * sample rate, or a capture time that jumps by more than the threshold while sequence numbers are contiguous (an agent
 * restarted after a pause) start a new segment: windowing starts over at the next chunk.
 *
 * <p><b>Emission.</b> Windows are handed to a {@link Listener} as soon as they are complete; the caller marks them
 * {@link #markEmitted emitted} once their prediction is out. Samples are kept from the first window not yet emitted,
 * so a window whose prediction was lost with an in-memory batch can be computed again ({@link #rewindUnemitted}).
 */
public final class DeviceStream {

    /** A complete window: its position, capture times, the model-rate samples and their log-mel (not normalised). */
    public record Window(long startSample, long startMicros, long endMicros, float[] samples, FeatureMatrix logMel) {
    }

    /** Receives windows, and is told before a new segment starts (so pending windows can be emitted first). */
    public interface Listener {
        void window(Window window);

        void beforeRestart();
    }

    /** What one offered chunk did. */
    public record Outcome(boolean duplicate, int released, long skippedSequences, int restarts) {
    }

    final FeatureSpec spec;
    final int windowSamples;
    final int hopSamples;
    final long gapRestartMicros;
    ChunkReassembler reassembler;
    StreamResampler resampler; // null before the first chunk
    long lastEndMicros;
    long segmentStartSample;
    long segmentStartMicros;
    long bufferStart;
    float[] buffer = new float[0];
    int count;
    long nextWindowStart;
    long firstUnemitted;
    long chunks;
    long duplicates;
    long missingSequences;
    long restarts;
    long windows;
    long blocksWritten; // audio blocks below this index are in the block store (see DeviceStreamCodec)
    long blocksFrom; // the lowest block index that may still be in the block store
    private StreamingFeatures features; // a cache of log-mel rows, rebuilt from the buffer when missing

    /**
     * @param spec             the model's feature spec, with the hop to use
     * @param reorderCapacity  chunks that may wait for a missing one
     * @param gapRestartMicros gaps longer than this start a new segment
     */
    public DeviceStream(FeatureSpec spec, int reorderCapacity, long gapRestartMicros) {
        this.spec = spec;
        this.windowSamples = spec.windowSamples();
        this.hopSamples = spec.hopSamples();
        this.gapRestartMicros = gapRestartMicros;
        this.reassembler = new ChunkReassembler(reorderCapacity);
    }

    /** Offers the next chunk of this device. */
    public Outcome accept(Piece piece, Listener listener) {
        if (reassembler.isDuplicate(piece.sequence())) {
            if (resampler == null || piece.captureTimeMicros() <= lastEndMicros + gapRestartMicros) {
                duplicates++;
                return new Outcome(true, 0, 0, 0);
            }
            // An old sequence number with new audio: the agent lost its numbering (it should continue it across
            // restarts). Dropping everything from now on would silence the device, so the numbering starts over.
            reassembler = new ChunkReassembler(reassembler.capacity());
        }
        chunks++;
        long skipped = 0;
        int restarted = 0;
        var released = reassembler.offer(piece);
        for (Released r : released) {
            skipped += r.skipped();
            missingSequences += r.skipped();
            if (consume(r, listener)) {
                restarted++;
            }
        }
        return new Outcome(false, released.size(), skipped, restarted);
    }

    /** Returns true when this piece started a new segment after an earlier one. */
    private boolean consume(Released r, Listener listener) {
        Piece p = r.piece();
        long jump = p.captureTimeMicros() - lastEndMicros;
        boolean first = resampler == null;
        boolean restart = first || p.sampleRate() != resampler.fromRate() || Math.abs(jump) > gapRestartMicros;
        if (restart) {
            if (!first) {
                listener.beforeRestart();
                restarts++;
            }
            startSegment(p);
        } else if (r.skipped() > 0 && jump > 0) {
            // Silence in place of the lost chunks keeps the following audio at its capture time.
            append(resampler.push(new float[(int) Math.round(jump * p.sampleRate() / 1e6)]), listener);
        }
        append(resampler.push(p.samples()), listener);
        lastEndMicros = p.endTimeMicros();
        return restart && !first;
    }

    private void startSegment(Piece p) {
        long end = bufferStart + count;
        segmentStartSample = end;
        segmentStartMicros = p.captureTimeMicros();
        resampler = new StreamResampler(p.sampleRate(), spec.sampleRate());
        bufferStart = end;
        count = 0;
        nextWindowStart = end;
        firstUnemitted = end;
        features = null;
    }

    private void append(float[] s, Listener listener) {
        if (s.length == 0) {
            return;
        }
        ensureFeatures();
        if (count + s.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(count + s.length, buffer.length + buffer.length / 2));
        }
        System.arraycopy(s, 0, buffer, count, s.length);
        count += s.length;
        features.append(s);
        pollWindows(listener);
    }

    /** Hands every complete window not yet computed to the listener. */
    public void pollWindows(Listener listener) {
        if (resampler == null) {
            return;
        }
        ensureFeatures();
        Optional<StreamingFeatures.Window> w;
        while ((w = features.poll()).isPresent()) {
            long start = w.get().startSample();
            if (start != nextWindowStart) {
                throw new IllegalStateException("feature stream at " + start + ", device stream at " + nextWindowStart);
            }
            int from = (int) (start - bufferStart);
            float[] samples = Arrays.copyOfRange(buffer, from, from + windowSamples);
            nextWindowStart = start + hopSamples;
            windows++;
            listener.window(new Window(start, micros(start), micros(start + windowSamples), samples, w.get().logMel()));
        }
        trim();
    }

    /** The window starting at {@code windowStart} has its prediction out: its samples may go. */
    public void markEmitted(long windowStart) {
        firstUnemitted = Math.min(nextWindowStart, Math.max(firstUnemitted, windowStart + hopSamples));
        trim();
    }

    /**
     * Forgets windows computed but never marked emitted, so {@link #pollWindows} computes them again; returns how many.
     */
    public int rewindUnemitted() {
        int n = (int) ((nextWindowStart - firstUnemitted) / hopSamples);
        if (n > 0) {
            nextWindowStart = firstUnemitted;
            windows -= n;
            features = null;
        }
        return n;
    }

    /** Windows computed whose predictions are not yet out. */
    public int unemitted() {
        return (int) ((nextWindowStart - firstUnemitted) / hopSamples);
    }

    private void ensureFeatures() {
        if (features == null) {
            features = new StreamingFeatures(spec, windowSamples, hopSamples);
            features.restartAt(nextWindowStart);
            int from = (int) (nextWindowStart - bufferStart);
            if (count > from) {
                features.append(buffer, from, count - from);
            }
        }
    }

    private void trim() {
        long keepFrom = Math.min(firstUnemitted, nextWindowStart);
        int drop = (int) Math.max(0, Math.min(count, keepFrom - bufferStart));
        if (drop > 0) {
            System.arraycopy(buffer, drop, buffer, 0, count - drop);
            count -= drop;
            bufferStart += drop;
        }
        if (buffer.length > 2 * (windowSamples + hopSamples) && count < buffer.length / 4) {
            buffer = Arrays.copyOf(buffer, Math.max(count, windowSamples + hopSamples));
        }
    }

    private long micros(long sample) {
        return segmentStartMicros + Math.round((sample - segmentStartSample) * 1e6 / spec.sampleRate());
    }

    public long chunks() {
        return chunks;
    }

    public long duplicates() {
        return duplicates;
    }

    public long missingSequences() {
        return missingSequences;
    }

    public long restarts() {
        return restarts;
    }

    public long windows() {
        return windows;
    }

    /** Model-rate samples held (from the first window not yet emitted, or the next to compute). */
    public int bufferedSamples() {
        return count;
    }

    /** Capture time just after the last chunk consumed (Long.MIN_VALUE before the first). */
    public long lastEndMicros() {
        return lastEndMicros;
    }

    public int sampleRate() {
        return resampler == null ? 0 : resampler.fromRate();
    }

    public FeatureSpec spec() {
        return spec;
    }
}
