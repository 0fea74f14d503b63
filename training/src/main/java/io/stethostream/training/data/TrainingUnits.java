package io.stethostream.training.data;

import java.util.Locale;

/**
 * What one training or scoring example is. {@code events}: an annotated cycle or event, fitted to the window (the
 * paper's, and ICBHI's and SPRSound's official event-level task). {@code windows}: the windows the stream itself
 * classifies, of the model's length at its hop from the start of each recording, labelled by the annotated spans they
 * overlap ({@link io.stethostream.ingest.cycles.WindowLabeler}); the stream never sees an event's boundaries, so a
 * model for the stream can be trained and scored on what it will be given. {@code context}: each annotated event as
 * the window of its recording centred on it, labelled by the event: what the stream hears of an event, with the
 * event's own label instead of a window's mixed one (a tiled event fills its window; in the stream it fills part).
 */
public enum TrainingUnits {
    EVENTS, WINDOWS, CONTEXT;

    /** The name in options and config.json. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code events}, {@code windows} or {@code context}; null reads as events (configurations written before the option). */
    public static TrainingUnits parse(String s) {
        if (s == null) {
            return EVENTS;
        }
        for (TrainingUnits u : values()) {
            if (u.label().equals(s)) {
                return u;
            }
        }
        throw new IllegalArgumentException("units must be events, windows or context, got '" + s + "'");
    }
}
