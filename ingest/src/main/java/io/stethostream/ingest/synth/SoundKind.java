package io.stethostream.ingest.synth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a synthetic recording contains. Labels are the lower-case names used on the command line and in JSON. */
public enum SoundKind {
    /** Vesicular breath sounds only. */
    NORMAL,
    /** Normal breathing plus clusters of fine or coarse crackles in inspiration. */
    CRACKLE,
    /** Normal breathing plus tonal wheezes. */
    WHEEZE,
    /** Crackles and wheezes. */
    BOTH,
    /** Poor stethoscope contact: friction bursts, thumps, dropouts and clipping over weakened breathing. */
    POOR,
    /** No breathing: a noise floor just above digital silence. */
    SILENCE;

    /** Lower-case label ("normal", "crackle", ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the recording has breathing, and hence respiratory cycles to annotate. */
    public boolean hasBreathing() {
        return this != SILENCE;
    }

    /** Whether crackles are added. */
    public boolean hasCrackles() {
        return this == CRACKLE || this == BOTH;
    }

    /** Whether wheezes are added. */
    public boolean hasWheezes() {
        return this == WHEEZE || this == BOTH;
    }

    /**
     * The kind for a label, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted labels when the label is unknown
     */
    public static SoundKind parse(String label) {
        for (SoundKind k : values()) {
            if (k.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + label + "', expected one of " + labels());
    }

    /** The accepted labels, comma-separated, for messages and help. */
    public static String labels() {
        return Arrays.stream(values()).map(SoundKind::label).collect(Collectors.joining(", "));
    }
}
