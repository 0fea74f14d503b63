package io.stethostream.agent.source;

import io.stethostream.ingest.audio.AudioClip;

import java.io.IOException;

/** A sequence of whole clips (decoded files, generated recordings) that a {@link ClipPlayer} plays one after another. */
public interface ClipFeed {

    /** The next clip, or null when there are no more. */
    AudioClip nextClip() throws IOException;

    /** What the clips are, for the log. */
    String describe();
}
