package io.stethostream.agent.source;

import io.stethostream.ingest.audio.AudioClip;

import java.io.IOException;
import java.util.Arrays;

/**
 * Plays the clips of a {@link ClipFeed} as a source: cuts each clip into blocks of one chunk at the clip's own rate
 * (the last block of a clip may be shorter, so no block mixes two clips or two rates) and paces them with a
 * {@link Pacer}.
 */
public final class ClipPlayer implements AudioSource {

    private final ClipFeed feed;
    private final Pacer pacer;
    private AudioClip clip;
    private int position;
    private volatile boolean closed;

    public ClipPlayer(ClipFeed feed, Pacer pacer) {
        this.feed = feed;
        this.pacer = pacer;
    }

    @Override
    public CapturedBlock next(int chunkMillis) throws IOException, InterruptedException {
        while (!closed && (clip == null || position >= clip.length())) {
            clip = feed.nextClip();
            position = 0;
            if (clip == null) {
                return null;
            }
        }
        if (closed) {
            return null;
        }
        int rate = clip.sampleRate();
        int want = Math.max(1, (int) ((long) rate * chunkMillis / 1000));
        int end = Math.min(clip.length(), position + want);
        float[] samples = Arrays.copyOfRange(clip.samples(), position, end);
        position = end;
        long micros = pacer.release(Math.round(samples.length * 1e6 / rate));
        return closed ? null : new CapturedBlock(samples, rate, micros);
    }

    @Override
    public String describe() {
        return feed.describe();
    }

    @Override
    public void close() {
        closed = true;
    }
}
