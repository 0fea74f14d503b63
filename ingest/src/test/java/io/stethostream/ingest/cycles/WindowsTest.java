package io.stethostream.ingest.cycles;

import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.RespiratoryClass;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WindowsTest {

    private final WindowLabeler labeler = new WindowLabeler();

    @Test
    void aWindowTakesTheUnionOfTheSpansThatCount() {
        List<Cycle> cycles = List.of(new Cycle(0.0, 3.0, false, false), new Cycle(3.0, 6.0, true, false),
                new Cycle(6.0, 9.0, false, true), new Cycle(9.0, 12.0, false, false));
        assertEquals(Optional.of(RespiratoryClass.NORMAL), labeler.label(0, 2.9, cycles));
        assertEquals(Optional.of(RespiratoryClass.CRACKLE), labeler.label(0, 5, cycles));
        assertEquals(Optional.of(RespiratoryClass.BOTH), labeler.label(2, 10, cycles));
        // 0.5 s of the crackle cycle: below min(half of 3 s, 1 s), so it does not count.
        assertEquals(Optional.of(RespiratoryClass.NORMAL), labeler.label(0, 3.5, cycles));
        assertEquals(Optional.of(RespiratoryClass.WHEEZE), labeler.label(6, 9, cycles));
        assertEquals(Optional.empty(), labeler.label(13, 20, cycles));
    }

    @Test
    void aShortEventInsideTheWindowCounts() {
        List<Cycle> events = List.of(new Cycle(4.1, 4.3, true, false)); // a 200 ms crackle event
        assertEquals(Optional.of(RespiratoryClass.CRACKLE), labeler.label(0, 8, events));
        assertEquals(Optional.empty(), labeler.label(4.25, 12, events)); // only 50 ms of it: under half
    }

    @Test
    void slidingWindowsCoverOnlyWholeWindows() {
        List<Cycle> cycles = List.of(new Cycle(0.5, 20.0, false, true));
        var w = SlidingWindows.over(20.0, 8.0, 2.0, cycles, labeler);
        assertEquals(7, w.size()); // 0-8, 2-10, ..., 12-20
        assertEquals(12.0, w.get(6).start(), 1e-12);
        assertEquals(20.0, w.get(6).end(), 1e-12);
        assertEquals(Optional.of(RespiratoryClass.WHEEZE), w.get(0).label());
        assertEquals(0, SlidingWindows.over(7.9, 8.0, 2.0, cycles, labeler).size());
    }
}
