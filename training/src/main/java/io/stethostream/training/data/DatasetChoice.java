package io.stethostream.training.data;

import java.util.Arrays;
import java.util.Locale;

/** Which database(s) a training run reads. */
public enum DatasetChoice {
    /** ICBHI 2017 with its official split (the paper's setting). */
    ICBHI,
    /** SPRSound 2022: its training set and its inter-patient test set. */
    SPRSOUND,
    /** Both, concatenated: ICBHI first, then SPRSound, in train and in test. */
    BOTH;

    /**
     * Parses {@code icbhi}, {@code sprsound} or {@code both} (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted words
     */
    public static DatasetChoice parse(String word) {
        String w = word == null ? "" : word.strip();
        for (DatasetChoice c : values()) {
            if (c.label().equalsIgnoreCase(w)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + word + "', expected one of "
                + Arrays.stream(values()).map(DatasetChoice::label).toList());
    }

    /** Lower-case name, as parsed and as written in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includesIcbhi() {
        return this != SPRSOUND;
    }

    public boolean includesSprSound() {
        return this != ICBHI;
    }
}
