package io.stethostream.streams.quality;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The signal-quality verdict of one device's sliding windows, measuring each hop of audio once: a window of four
 * hops reuses the measurements of the three it shares with the previous window ({@link SignalQuality.Stats} are
 * additive). Keyed by absolute sample position, which a device stream never reuses. One instance per device; not
 * thread-safe.
 */
public final class HopQuality {

    private record Measured(long start, SignalQuality.Stats stats) {
    }

    private final SignalQuality quality;
    private final int hopSamples;
    private final ArrayDeque<Measured> measured = new ArrayDeque<>();

    public HopQuality(SignalQuality quality, int hopSamples) {
        if (hopSamples < 1) {
            throw new IllegalArgumentException("hop must be >= 1 sample, got " + hopSamples);
        }
        this.quality = quality;
        this.hopSamples = hopSamples;
    }

    /** The verdict on the window whose first sample is stream sample {@code startSample}. */
    public QualityReport assess(long startSample, float[] samples) {
        if (samples.length % hopSamples != 0) {
            return quality.assess(samples); // windows not made of whole hops: measured in one pass
        }
        // Hops before this window are not needed by any later one.
        while (!measured.isEmpty() && measured.peekFirst().start() < startSample) {
            measured.removeFirst();
        }
        SignalQuality.Stats total = new SignalQuality.Stats(0, 0, 0, 0, 0, 0);
        for (int offset = 0; offset < samples.length; offset += hopSamples) {
            long start = startSample + offset;
            SignalQuality.Stats s = find(start);
            if (s == null) {
                s = quality.measure(samples, offset, offset + hopSamples);
                measured.addLast(new Measured(start, s));
            }
            total = SignalQuality.join(total, s);
        }
        return quality.assess(total);
    }

    private SignalQuality.Stats find(long start) {
        for (Iterator<Measured> it = measured.iterator(); it.hasNext(); ) {
            Measured m = it.next();
            if (m.start() == start) {
                return m.stats();
            }
        }
        return null;
    }
}
