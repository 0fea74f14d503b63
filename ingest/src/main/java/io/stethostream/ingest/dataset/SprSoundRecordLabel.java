package io.stethostream.ingest.dataset;

import java.util.Optional;

/**
 * The record-level label of a SPRSound recording ({@code record_annotation}), and how it maps to the four ICBHI
 * classes: DAS (discontinuous adventitious sounds, crackles) is crackle, CAS (continuous: wheeze, rhonchi, stridor) is
 * wheeze, both is both. Poor Quality is a label of its own, not a class: it marks recordings unfit to classify.
 */
public enum SprSoundRecordLabel {
    NORMAL("Normal", RespiratoryClass.NORMAL),
    CAS("CAS", RespiratoryClass.WHEEZE),
    DAS("DAS", RespiratoryClass.CRACKLE),
    CAS_AND_DAS("CAS & DAS", RespiratoryClass.BOTH),
    POOR_QUALITY("Poor Quality", null);

    private final String jsonName;
    private final RespiratoryClass respiratoryClass;

    SprSoundRecordLabel(String jsonName, RespiratoryClass respiratoryClass) {
        this.jsonName = jsonName;
        this.respiratoryClass = respiratoryClass;
    }

    /** The label exactly as written in the JSON files. */
    public static SprSoundRecordLabel fromJson(String name) {
        for (SprSoundRecordLabel l : values()) {
            if (l.jsonName.equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown record_annotation '" + name + "'");
    }

    /** The label as written in the JSON files, for example {@code CAS & DAS}. */
    public String jsonName() {
        return jsonName;
    }

    /** The ICBHI class of the recording; empty for Poor Quality. */
    public Optional<RespiratoryClass> respiratoryClass() {
        return Optional.ofNullable(respiratoryClass);
    }

    /** Whether the annotators judged the recording too poor to label. */
    public boolean isPoorQuality() {
        return this == POOR_QUALITY;
    }
}
