package io.stethostream.ingest.dataset;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of an ICBHI 2017 recording name, {@code patient_recordingIndex_chestLocation_acquisitionMode_device},
 * for example {@code 101_1b1_Al_sc_Meditron}.
 *
 * @param name            the whole name, without extension
 * @param patientId       patient number (101 .. 226 in the database)
 * @param recordingIndex  for example {@code 1b1}
 * @param chestLocation   {@code Tc} (trachea) or {@code A}/{@code P}/{@code L} (anterior, posterior, lateral) followed
 *                        by {@code l}/{@code r} (left, right)
 * @param acquisitionMode {@code sc} (sequential, single channel) or {@code mc} (simultaneous, multichannel)
 * @param device          {@code AKGC417L}, {@code LittC2SE}, {@code Litt3200} or {@code Meditron}
 */
public record IcbhiRecordingName(String name, int patientId, String recordingIndex, String chestLocation,
                                 String acquisitionMode, String device) {

    // Strict enough that stray .txt files (READMEs, the split list, metadata) in the folder never count as recordings.
    private static final Pattern PATTERN =
            Pattern.compile("(\\d{3})_(\\d+[a-z]\\d+)_(Tc|[APL][lr])_(sc|mc)_([A-Za-z0-9]+)");

    /** Parses a recording name (without extension); empty if it does not follow the naming scheme. */
    public static Optional<IcbhiRecordingName> parse(String name) {
        Matcher m = PATTERN.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new IcbhiRecordingName(name, Integer.parseInt(m.group(1)), m.group(2), m.group(3),
                m.group(4), m.group(5)));
    }

    /**
     * The name without its device suffix ({@code 101_1b1_Al_sc}). Copies of the database disagree on the device of some
     * recordings (see {@code filename_differences.txt}), so this is the key used to match names across copies.
     */
    public String withoutDevice() {
        return name.substring(0, name.length() - device.length() - 1);
    }

    @Override
    public String toString() {
        return name;
    }
}
