package io.stethostream.ingest.synth;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.dataset.Cycle;

import java.util.List;

/**
 * A generated clip with its ground truth.
 *
 * @param clip       the audio, samples in [-1, 1]
 * @param parameters what produced it
 * @param cycles     respiratory cycles tiling the clip in order, flagged where crackle or wheeze events fall in them;
 *                   empty for {@link SoundKind#SILENCE}
 * @param events     every placed event, ordered by start time
 */
public record SyntheticRecording(AudioClip clip, SynthParameters parameters, List<Cycle> cycles,
                                 List<SyntheticEvent> events) {

    public SyntheticRecording {
        cycles = List.copyOf(cycles);
        events = List.copyOf(events);
    }

    /** The events of one type, in order. */
    public List<SyntheticEvent> events(SyntheticEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }
}
