package io.stethostream.ingest.dataset;

/** The four ICBHI classes, in the order of the model's outputs: (crackles, wheezes) = (0,0), (1,0), (0,1), (1,1). */
public enum RespiratoryClass {
    NORMAL, CRACKLE, WHEEZE, BOTH;

    /** The class for a cycle's crackle and wheeze flags. */
    public static RespiratoryClass of(boolean crackles, boolean wheezes) {
        return values()[(crackles ? 1 : 0) + (wheezes ? 2 : 0)];
    }

    public boolean hasCrackles() {
        return this == CRACKLE || this == BOTH;
    }

    public boolean hasWheezes() {
        return this == WHEEZE || this == BOTH;
    }

    /** Lower-case label as used in JSON and reports ("normal", "crackle", "wheeze", "both"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
