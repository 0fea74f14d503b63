package io.stethostream.agent.source;

import java.io.IOException;

/**
 * Where the agent's audio comes from: a live input, a replayed file or the synthetic generator. Each call returns the
 * next block of about one chunk, blocking as a real device would (a paced replay waits until the block has "played").
 * Used by one capture thread; {@link #close()} may come from another thread to stop it.
 */
public interface AudioSource extends AutoCloseable {

    /**
     * The next block of {@code chunkMillis} of audio at the source's native rate (shorter only at the end of a file),
     * or null when the source is exhausted or closed.
     */
    CapturedBlock next(int chunkMillis) throws IOException, InterruptedException;

    /** What this source is, for the log ("file x.wav at 4000 Hz", "synthetic crackle"). */
    String describe();

    @Override
    void close();
}
