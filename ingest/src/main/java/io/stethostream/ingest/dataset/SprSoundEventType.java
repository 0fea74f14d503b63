package io.stethostream.ingest.dataset;

/**
 * The type of a SPRSound event ({@code event_annotation[].type}) and its ICBHI class: fine and coarse crackles are
 * crackle; wheeze, rhonchi and stridor (all continuous sounds) are wheeze; Wheeze+Crackle is both.
 */
public enum SprSoundEventType {
    NORMAL("Normal", RespiratoryClass.NORMAL),
    FINE_CRACKLE("Fine Crackle", RespiratoryClass.CRACKLE),
    COARSE_CRACKLE("Coarse Crackle", RespiratoryClass.CRACKLE),
    WHEEZE("Wheeze", RespiratoryClass.WHEEZE),
    RHONCHI("Rhonchi", RespiratoryClass.WHEEZE),
    STRIDOR("Stridor", RespiratoryClass.WHEEZE),
    WHEEZE_AND_CRACKLE("Wheeze+Crackle", RespiratoryClass.BOTH);

    private final String jsonName;
    private final RespiratoryClass respiratoryClass;

    SprSoundEventType(String jsonName, RespiratoryClass respiratoryClass) {
        this.jsonName = jsonName;
        this.respiratoryClass = respiratoryClass;
    }

    /** The type exactly as written in the JSON files. */
    public static SprSoundEventType fromJson(String name) {
        for (SprSoundEventType t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event type '" + name + "'");
    }

    /** The type as written in the JSON files, for example {@code Fine Crackle}. */
    public String jsonName() {
        return jsonName;
    }

    /** The ICBHI class of events of this type. */
    public RespiratoryClass respiratoryClass() {
        return respiratoryClass;
    }
}
