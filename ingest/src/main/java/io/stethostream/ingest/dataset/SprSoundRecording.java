package io.stethostream.ingest.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SPRSound recording: where it is, which set it belongs to, and its record- and event-level labels.
 *
 * @param name       file name without extension, {@code patientId_age_gender_location_number}
 * @param patientId  the first field of the name
 * @param set        the set whose label folder holds the recording's JSON
 * @param annotation the JSON label file
 * @param audio      the {@code .wav} or {@code .flac} file; empty when missing
 * @param label      the record-level label
 * @param events     the annotated events in file order
 */
public record SprSoundRecording(String name, String patientId, SprSoundSet set, Path annotation, Optional<Path> audio,
                                SprSoundRecordLabel label, List<SprSoundEvent> events) {

    public SprSoundRecording {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(annotation, "annotation");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(label, "label");
        events = List.copyOf(events);
    }

    /**
     * The patient id encoded in a SPRSound file name (its first {@code _}-separated field).
     *
     * @throws IllegalArgumentException if the name has no {@code _}-separated fields
     */
    public static String patientIdOf(String name) {
        int underscore = name.indexOf('_');
        if (underscore <= 0) {
            throw new IllegalArgumentException("name '" + name + "' does not start with a patient id and '_'");
        }
        return name.substring(0, underscore);
    }

    /** The events as labelled spans (see {@link SprSoundEvent#toCycle()}). */
    public List<Cycle> cycles() {
        return events.stream().map(SprSoundEvent::toCycle).toList();
    }

    /** The ICBHI class of the whole recording; empty when it is labelled Poor Quality. */
    public Optional<RespiratoryClass> respiratoryClass() {
        return label.respiratoryClass();
    }

    public boolean isPoorQuality() {
        return label.isPoorQuality();
    }

    public boolean hasAudio() {
        return audio.isPresent();
    }
}
