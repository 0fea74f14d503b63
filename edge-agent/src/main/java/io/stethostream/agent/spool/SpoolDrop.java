package io.stethostream.agent.spool;

import java.util.Locale;

/**
 * Records the spool discarded under its policy: the oldest whole segments, because of the size or the age limit.
 *
 * @param reason          which limit
 * @param segments        segment files deleted
 * @param unsentRecords   records among them that the broker had not acknowledged: audio lost for good
 * @param firstSequence   first sequence number deleted
 * @param lastSequence    last sequence number deleted
 * @param totalDropped    unsent records dropped since the spool was opened, this drop included
 */
public record SpoolDrop(Reason reason, int segments, long unsentRecords, long firstSequence, long lastSequence,
                        long totalDropped) {

    /** Which limit made the spool drop records. */
    public enum Reason { SIZE, AGE }

    /** The log line: says what was lost and why. */
    public String describe() {
        String why = reason == Reason.SIZE ? "spool full (size limit)" : "spool records older than the age limit";
        return String.format(Locale.ROOT, "%s: dropped the %d oldest segment(s), %d unsent chunk(s), sequence %d..%d;"
                + " %d unsent chunk(s) dropped since start", why, segments, unsentRecords, firstSequence, lastSequence,
                totalDropped);
    }
}
