package io.stethostream.streams.audio;

import io.stethostream.ingest.audio.Resampling;

import java.util.Arrays;

/**
 * Resamples one continuous stream that arrives in chunks, with the same band-limited filter as the offline path
 * ({@link Resampling}), and without clicks at chunk boundaries.
 *
 * <p>Resampling each chunk on its own would zero-pad both of its ends inside the filter, so every boundary would dip.
 * Instead each call resamples a block made of a retained tail of earlier input plus the new chunk, and emits only the
 * output samples whose filter support lies wholly inside the block; the last {@link #margin()} input samples wait for
 * the next chunk. Blocks start on input positions that map to whole output positions, so the output grid is the same
 * as for the whole signal and the concatenated output matches {@code Resampling.resample} of the concatenated input
 * (tested to float rounding). The cost is a delay of {@link #margin()} input samples (a few milliseconds).
 *
 * <p>State is small (the tail, under ~{@code 2 * margin + from / gcd} samples, and two counters) and is exposed so it
 * can be stored; not thread-safe.
 */
public final class StreamResampler {

    private final int from;
    private final int to;
    private final int period; // input samples per whole number of output samples: from / gcd(from, to)
    private final int margin;
    private long tailStart; // input index of tail[0]
    private float[] tail;
    private long produced; // output samples emitted so far

    /** A resampler at the start of a stream. */
    public StreamResampler(int from, int to) {
        this(from, to, 0, new float[0], 0);
    }

    /** A resampler restored from {@link #tailStart()}, {@link #tail()} and {@link #produced()}. */
    public StreamResampler(int from, int to, long tailStart, float[] tail, long produced) {
        Resampling.checkRate(from, "stream");
        Resampling.checkRate(to, "target");
        this.from = from;
        this.to = to;
        this.period = from / gcd(from, to);
        // The windowed-sinc filter reaches about 18 zero crossings each side, stretched by the ratio when decimating.
        this.margin = 32 + (int) Math.ceil(24.0 * Math.max(1.0, from / (double) to));
        this.tailStart = tailStart;
        this.tail = tail;
        this.produced = produced;
    }

    /** Appends input samples and returns the output samples that are now final (possibly none). */
    public float[] push(float[] in) {
        if (from == to) {
            produced += in.length;
            return in.clone();
        }
        float[] buf = concat(tail, in);
        long bufEnd = tailStart + buf.length;
        long last = Math.floorDiv((bufEnd - margin) * to, from); // outputs before this index have full support
        if (last <= produced) {
            tail = buf;
            return new float[0];
        }
        long s0 = blockStart(produced);
        float[] block = Arrays.copyOfRange(buf, (int) (s0 - tailStart), buf.length);
        float[] out = Resampling.resample(block, from, to);
        long offset = s0 / period * (to / gcd(from, to)); // output index of block[0]
        float[] result = Arrays.copyOfRange(out, (int) (produced - offset), (int) (last - offset));
        produced = last;
        long keep = Math.max(tailStart, blockStart(produced));
        tail = Arrays.copyOfRange(buf, (int) (keep - tailStart), buf.length);
        tailStart = keep;
        return result;
    }

    /** The first block input position whose filter support covers output {@code j} from the left. */
    private long blockStart(long j) {
        long needed = Math.max(0, Math.floorDiv(j * from, to) - margin);
        return needed / period * period;
    }

    public int fromRate() {
        return from;
    }

    public int toRate() {
        return to;
    }

    /** Input samples held back because the filter needs input after them. */
    public int margin() {
        return margin;
    }

    public long tailStart() {
        return tailStart;
    }

    public float[] tail() {
        return tail;
    }

    public long produced() {
        return produced;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
