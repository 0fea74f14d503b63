package io.stethostream.ingest.synth;

import java.util.Locale;

/**
 * One sound event placed in a synthetic recording: the fine-grained ground truth behind the per-cycle flags.
 *
 * @param type        what was placed
 * @param start       seconds from the start of the recording (a sample boundary)
 * @param end         seconds from the start of the recording, greater than start
 * @param frequencyHz the characteristic frequency: a wheeze's mean fundamental, a crackle's or thump's oscillation
 *                    frequency; 0 for broadband events (friction, dropout, clipping)
 */
public record SyntheticEvent(Type type, double start, double end, double frequencyHz) {

    /** Event types. Crackles and wheezes set cycle flags; the contact artefacts do not. */
    public enum Type {
        /** A short (about 5 ms), high-pitched crackle, typical of late inspiration. */
        FINE_CRACKLE,
        /** A longer (about 15 ms), low-pitched crackle, typical of early inspiration. */
        COARSE_CRACKLE,
        /** A sustained tone (longer than 100 ms) with harmonics. */
        WHEEZE,
        /** Broadband rubbing noise from the chest piece moving on skin or clothing. */
        FRICTION,
        /** A low-frequency knock from the chest piece being bumped or pressed. */
        THUMP,
        /** Contact lost: the signal falls to the noise floor. */
        DROPOUT,
        /** Contact pressure surges and the converter clips. */
        CLIPPING;

        /** Lower-case label used in JSON ("fine_crackle", ...). */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the event sets a cycle's crackle flag. */
        public boolean isCrackle() {
            return this == FINE_CRACKLE || this == COARSE_CRACKLE;
        }

        /** Whether the event sets a cycle's wheeze flag. */
        public boolean isWheeze() {
            return this == WHEEZE;
        }
    }

    public SyntheticEvent {
        if (type == null || !(end > start) || start < 0) {
            throw new IllegalArgumentException("event needs a type and 0 <= start < end, got " + type + " " + start
                    + " .. " + end);
        }
    }

    /** Length in seconds. */
    public double duration() {
        return end - start;
    }

    /** Whether this event lies within [from, to]. */
    public boolean within(double from, double to) {
        return start >= from && end <= to;
    }
}
