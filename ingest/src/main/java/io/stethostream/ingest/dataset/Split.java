package io.stethostream.ingest.dataset;

import java.util.Locale;

/** The official ICBHI 2017 challenge split a recording belongs to. */
public enum Split {
    TRAIN, TEST;

    /** Parses the split file's word ("train" or "test", any case). */
    public static Split parse(String word) {
        for (Split s : values()) {
            if (s.label().equalsIgnoreCase(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + word + "', expected train or test");
    }

    /** Lower-case name as used in the split file, JSON and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
