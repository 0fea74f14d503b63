package io.stethostream.streams.records;

import java.time.Instant;

/** Capture times travel as microseconds since the epoch and, for people, as ISO-8601 UTC strings. */
public final class Times {

    private Times() {
    }

    public static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }

    public static String isoMillis(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
