package io.stethostream.ingest.dataset;

import java.util.Objects;

/**
 * One annotated event of a SPRSound recording.
 *
 * @param start seconds from the start of the recording (the JSON holds milliseconds)
 * @param end   seconds from the start of the recording, greater than start
 */
public record SprSoundEvent(double start, double end, SprSoundEventType type) {

    public SprSoundEvent {
        Objects.requireNonNull(type, "type");
        if (!(end > start) || start < 0 || !Double.isFinite(end)) {
            throw new IllegalArgumentException("event must have 0 <= start < end, got " + start + " .. " + end);
        }
    }

    /** The event as a labelled span, so window-labelling code treats ICBHI cycles and SPRSound events alike. */
    public Cycle toCycle() {
        RespiratoryClass c = type.respiratoryClass();
        return new Cycle(start, end, c.hasCrackles(), c.hasWheezes());
    }
}
