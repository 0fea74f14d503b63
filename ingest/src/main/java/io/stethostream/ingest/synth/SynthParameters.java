package io.stethostream.ingest.synth;

import java.util.Objects;

/**
 * Everything that determines a synthetic recording: the same parameters always give the same samples.
 *
 * @param kind             what the recording contains
 * @param seconds          length; the clip has {@code round(seconds * sampleRate)} samples (at least one)
 * @param sampleRate       samples per second, {@value #MIN_SAMPLE_RATE} to {@value #MAX_SAMPLE_RATE}
 * @param breathsPerMinute mean breathing rate, {@value #MIN_BREATHS_PER_MINUTE} to {@value #MAX_BREATHS_PER_MINUTE}
 * @param seed             seed of every random choice
 */
public record SynthParameters(SoundKind kind, double seconds, int sampleRate, double breathsPerMinute, long seed) {

    /** The rate the model pipeline uses. */
    public static final int DEFAULT_SAMPLE_RATE = 16_000;
    /** The lowest rate in ICBHI; below it the 1 kHz upper edge of breath sounds would alias. */
    public static final int MIN_SAMPLE_RATE = 4_000;
    /** The highest common audio rate; breath sounds have nothing above a few kHz. */
    public static final int MAX_SAMPLE_RATE = 48_000;
    /** A resting adult. */
    public static final double DEFAULT_BREATHS_PER_MINUTE = 18.0;
    /** Very slow breathing; slower still and a breath would outlast most recordings. */
    public static final double MIN_BREATHS_PER_MINUTE = 4.0;
    /** A newborn's upper range; faster breaths leave no room for a 100 ms wheeze in one phase. */
    public static final double MAX_BREATHS_PER_MINUTE = 60.0;
    /** Ten minutes: ICBHI recordings are under 90 s, and longer clips would only cost memory. */
    public static final double MAX_SECONDS = 600.0;

    public SynthParameters {
        Objects.requireNonNull(kind, "kind");
        if (!(seconds > 0) || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("seconds must be in (0, " + MAX_SECONDS + "], got " + seconds);
        }
        if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
            throw new IllegalArgumentException("sample rate must be in [" + MIN_SAMPLE_RATE + ", " + MAX_SAMPLE_RATE
                    + "] Hz, got " + sampleRate);
        }
        if (!(breathsPerMinute >= MIN_BREATHS_PER_MINUTE && breathsPerMinute <= MAX_BREATHS_PER_MINUTE)) {
            throw new IllegalArgumentException("breaths per minute must be in [" + MIN_BREATHS_PER_MINUTE + ", "
                    + MAX_BREATHS_PER_MINUTE + "], got " + breathsPerMinute);
        }
    }

    /** Parameters at the default sample rate and breathing rate. */
    public static SynthParameters of(SoundKind kind, double seconds, long seed) {
        return new SynthParameters(kind, seconds, DEFAULT_SAMPLE_RATE, DEFAULT_BREATHS_PER_MINUTE, seed);
    }

    /** A copy at another sample rate. */
    public SynthParameters withSampleRate(int rate) {
        return new SynthParameters(kind, seconds, rate, breathsPerMinute, seed);
    }

    /** A copy at another breathing rate. */
    public SynthParameters withBreathsPerMinute(double bpm) {
        return new SynthParameters(kind, seconds, sampleRate, bpm, seed);
    }

    /** A copy of another kind, with everything else (and hence the same breathing underneath) unchanged. */
    public SynthParameters withKind(SoundKind other) {
        return new SynthParameters(other, seconds, sampleRate, breathsPerMinute, seed);
    }

    /** A copy with another seed. */
    public SynthParameters withSeed(long other) {
        return new SynthParameters(kind, seconds, sampleRate, breathsPerMinute, other);
    }

    /** Number of samples the clip will have. */
    public int sampleCount() {
        return (int) Math.max(1, Math.round(seconds * sampleRate));
    }
}
