package io.stethostream.ingest.dataset;

/**
 * An annotated span of a recording (an ICBHI respiratory cycle, or a SPRSound event) with its crackle and wheeze flags.
 *
 * @param start seconds from the start of the recording
 * @param end   seconds from the start of the recording, greater than start
 */
public record Cycle(double start, double end, boolean crackles, boolean wheezes) {

    public Cycle {
        if (!(end > start) || start < 0 || !Double.isFinite(end)) {
            throw new IllegalArgumentException("cycle must have 0 <= start < end, got " + start + " .. " + end);
        }
    }

    public RespiratoryClass label() {
        return RespiratoryClass.of(crackles, wheezes);
    }

    public double duration() {
        return end - start;
    }
}
