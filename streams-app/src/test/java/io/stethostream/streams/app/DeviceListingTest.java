package io.stethostream.streams.app;

import io.stethostream.streams.records.DeviceStatus;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceListingTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final List<MonitoringApp.DeviceView> TWO = List.of(
            new MonitoringApp.DeviceView(DeviceStatus.initial("bed-1"), List.of()),
            new MonitoringApp.DeviceView(DeviceStatus.initial("bed-2"), List.of("wheezes")));

    @Test
    void whilePartitionsMoveTheLastListIsServedMarkedStale() {
        DeviceListing listing = new DeviceListing(Clock.fixed(T0, ZoneOffset.UTC));
        DeviceListing.Snapshot before = listing.current("REBALANCING", false, () -> TWO);
        assertTrue(before.stale() && before.devices().isEmpty() && before.asOf() == null, "nothing read yet: " + before);

        DeviceListing.Snapshot running = listing.current("RUNNING", true, () -> TWO);
        assertFalse(running.stale());
        assertEquals(TWO, running.devices());
        assertEquals(T0, running.asOf());

        DeviceListing.Snapshot moving = listing.current("REBALANCING", false, () -> {
            throw new AssertionError("stores are not queried while rebalancing");
        });
        assertTrue(moving.stale());
        assertEquals("REBALANCING", moving.state());
        assertEquals(TWO, moving.devices(), "the last list, not an empty one");
        assertEquals(T0, moving.asOf(), "when that list was read");
    }

    @Test
    void aStoreThatMovesDuringTheQueryAnswersTheLastList() {
        DeviceListing listing = new DeviceListing(Clock.fixed(T0, ZoneOffset.UTC));
        listing.current("RUNNING", true, () -> TWO);
        DeviceListing.Snapshot s = listing.current("RUNNING", true, () -> {
            throw new InvalidStateStoreException("store device-status migrated");
        });
        assertTrue(s.stale());
        assertEquals(TWO, s.devices());

        DeviceListing.Snapshot fresh = listing.current("RUNNING", true, () -> TWO.subList(0, 1));
        assertFalse(fresh.stale());
        assertEquals(1, fresh.devices().size(), "a fresh read replaces the kept list");
        assertNull(new DeviceListing(Clock.systemUTC()).current("RUNNING", true, () -> {
            throw new InvalidStateStoreException("x");
        }).asOf());
    }
}
