package io.stethostream.ingest.features;

import java.util.Arrays;
import java.util.Optional;

/**
 * Log-mel features of sliding windows over a continuous signal (an 8 s window every 2 s, say), computing only the
 * frames a window does not share with the previous one. Frames depend only on their own samples, so a cached frame is
 * bit-identical to a recomputed one: the output equals {@link KaldiFbank#compute} on the window's samples.
 *
 * <p>Frames are reused when the hop is a whole number of frame shifts (2 s = 200 shifts of 10 ms); any other hop
 * still gives correct windows, computed in full. Memory is bounded by one window of samples and one of frames.
 * Not thread-safe: one instance per stream.
 */
public final class StreamingFeatures {

    /** One window: where it starts in the stream (in samples) and its log-mel rows (not normalised). */
    public record Window(long startSample, FeatureMatrix logMel) {
    }

    private final KaldiFbank fbank;
    private final int windowSamples;
    private final int hopSamples;
    private final int frameShift;
    private final int framesPerWindow;
    private final int bins;

    private float[] samples;
    private long samplesStart; // stream index of samples[0]
    private int sampleCount;

    private final float[] rows; // cached log-mel rows, framesPerWindow at most
    private long rowsStart = -1; // stream index of the first sample of cached row 0
    private int rowCount;

    private long nextWindowStart;
    private long framesComputed;

    public StreamingFeatures(FeatureSpec spec) {
        this(spec, spec.windowSamples(), spec.hopSamples());
    }

    public StreamingFeatures(FeatureSpec spec, int windowSamples, int hopSamples) {
        if (hopSamples < 1 || windowSamples < spec.frameLength()) {
            throw new IllegalArgumentException("window " + windowSamples + " / hop " + hopSamples + " samples");
        }
        this.fbank = new KaldiFbank(spec);
        this.windowSamples = windowSamples;
        this.hopSamples = hopSamples;
        this.frameShift = spec.frameShift();
        this.framesPerWindow = spec.framesFor(windowSamples);
        this.bins = spec.melBins();
        this.samples = new float[windowSamples + hopSamples];
        this.rows = new float[framesPerWindow * bins];
    }

    /** Appends the next samples of the stream (at the spec's rate). */
    public void append(float[] chunk) {
        append(chunk, 0, chunk.length);
    }

    public void append(float[] chunk, int from, int length) {
        if (sampleCount + length > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(samples.length * 2, sampleCount + length));
        }
        System.arraycopy(chunk, from, samples, sampleCount, length);
        sampleCount += length;
    }

    /** The next complete window, if the stream has reached its end; call repeatedly until empty. */
    public Optional<Window> poll() {
        if (samplesStart + sampleCount < nextWindowStart + windowSamples) {
            return Optional.empty();
        }
        long start = nextWindowStart;
        alignCache(start);
        FeatureMatrix out = FeatureMatrix.zeros(framesPerWindow, bins);
        int cached = rowCount;
        System.arraycopy(rows, 0, out.data(), 0, cached * bins);
        for (int f = cached; f < framesPerWindow; f++) {
            int at = (int) (start - samplesStart) + f * frameShift;
            fbank.computeFrame(samples, at, out.data(), f * bins);
            framesComputed++;
        }
        System.arraycopy(out.data(), 0, rows, 0, framesPerWindow * bins);
        rowsStart = start;
        rowCount = framesPerWindow;
        nextWindowStart += hopSamples;
        dropSamplesBefore(nextWindowStart);
        return Optional.of(new Window(start, out));
    }

    /**
     * Forgets all buffered audio and continues as if the stream began at {@code streamSample} (after a gap, say).
     */
    public void restartAt(long streamSample) {
        samplesStart = streamSample;
        sampleCount = 0;
        rowCount = 0;
        rowsStart = -1;
        nextWindowStart = streamSample;
    }

    /** Frames computed so far (for benchmarks and tests of the reuse). */
    public long framesComputed() {
        return framesComputed;
    }

    /** Keeps the cached rows that belong to the window starting at {@code start}, shifted to its first row. */
    private void alignCache(long start) {
        long offset = start - rowsStart;
        if (rowCount == 0 || rowsStart < 0 || offset < 0 || offset % frameShift != 0) {
            rowCount = 0;
            return;
        }
        int skip = (int) (offset / frameShift);
        if (skip >= rowCount) {
            rowCount = 0;
            return;
        }
        System.arraycopy(rows, skip * bins, rows, 0, (rowCount - skip) * bins);
        rowCount -= skip;
    }

    private void dropSamplesBefore(long streamSample) {
        int drop = (int) Math.min(sampleCount, Math.max(0, streamSample - samplesStart));
        System.arraycopy(samples, drop, samples, 0, sampleCount - drop);
        sampleCount -= drop;
        samplesStart += drop;
    }
}
