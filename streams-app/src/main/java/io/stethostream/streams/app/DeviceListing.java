package io.stethostream.streams.app;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code /devices} answers. The device stores can be queried only while Kafka Streams is RUNNING; while partitions
 * move (REBALANCING, restoring a moved device's state) they cannot, and an empty list would read as "no device is
 * watched". So the last list read while running is kept and served, marked stale, with the time it was read and the
 * instance's state, until the stores answer again.
 */
final class DeviceListing {

    /**
     * One answer.
     *
     * @param devices the devices this instance handled at {@code asOf}
     * @param state   the Kafka Streams state now
     * @param stale   true when {@code devices} is the last list read while running, not the stores now
     * @param asOf    when {@code devices} was read; null when no list was ever read
     */
    record Snapshot(List<MonitoringApp.DeviceView> devices, String state, boolean stale, Instant asOf) {
    }

    private final Clock clock;
    private volatile Snapshot last;

    DeviceListing(Clock clock) {
        this.clock = clock;
    }

    /**
     * The devices now when {@code running} and {@code query} answers; else the last list read, marked stale. A query
     * that fails (a store migrating between the state check and the read) is answered the same way.
     */
    Snapshot current(String state, boolean running, Supplier<List<MonitoringApp.DeviceView>> query) {
        if (running) {
            try {
                Snapshot now = new Snapshot(List.copyOf(query.get()), state, false, clock.instant());
                last = now;
                return now;
            } catch (RuntimeException e) {
                // InvalidStateStoreException and the like: the store moved under us; fall back below
            }
        }
        Snapshot l = last;
        return l == null ? new Snapshot(List.of(), state, true, null) : new Snapshot(l.devices(), state, true, l.asOf());
    }
}
