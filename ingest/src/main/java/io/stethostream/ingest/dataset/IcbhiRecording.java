package io.stethostream.ingest.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ICBHI 2017 recording: its name fields, annotated respiratory cycles, audio file if present, and official split.
 *
 * @param id         the parsed recording name
 * @param annotation the {@code .txt} annotation file the cycles were read from
 * @param cycles     the respiratory cycles in file order
 * @param audio      the {@code .wav} or {@code .flac} file; empty when this copy of the database lacks it
 * @param split      the official split; empty when the split file does not list the recording
 */
public record IcbhiRecording(IcbhiRecordingName id, Path annotation, List<Cycle> cycles, Optional<Path> audio,
                             Optional<Split> split) {

    public IcbhiRecording {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(annotation, "annotation");
        cycles = List.copyOf(cycles);
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(split, "split");
    }

    /** The recording name, for example {@code 101_1b1_Al_sc_Meditron}. */
    public String name() {
        return id.name();
    }

    public int patientId() {
        return id.patientId();
    }

    public boolean hasAudio() {
        return audio.isPresent();
    }
}
