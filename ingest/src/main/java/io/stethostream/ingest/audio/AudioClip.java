package io.stethostream.ingest.audio;

import java.util.Objects;

/**
 * Mono audio as float samples in [-1, 1] at a known rate. The array is owned by the clip: callers that change it
 * must copy first.
 *
 * @param samples    mono samples in [-1, 1]
 * @param sampleRate samples per second
 * @param source     where the audio came from (a path or a description), used in error messages
 */
public record AudioClip(float[] samples, int sampleRate, String source) {

    public AudioClip {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate + " for " + source);
        }
    }

    /** Length in seconds. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** Number of samples. */
    public int length() {
        return samples.length;
    }
}
