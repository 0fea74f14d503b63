package io.stethostream.agent.spool;

/**
 * A snapshot of the spool for the status line.
 *
 * @param unsentRecords      records not yet acknowledged by the broker
 * @param diskBytes          bytes of all segment files
 * @param oldestUnsentMillis append time of the oldest unacknowledged record, or -1 when none
 * @param droppedRecords     unsent records dropped by the size or age limit since the spool was opened
 * @param nextSequence       sequence number the next append must carry
 */
public record SpoolStatus(long unsentRecords, long diskBytes, long oldestUnsentMillis, long droppedRecords,
                          long nextSequence) {
}
