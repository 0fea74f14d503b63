package io.stethostream.agent.source;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;

/**
 * An endless synthetic stethoscope: recordings of one {@link SoundKind} from {@code ingest}'s generator, generated
 * 30 s at a time with seeds seed, seed + 1, ... (the generator is deterministic, so a run is reproducible).
 */
public final class SyntheticFeed implements ClipFeed {

    /** Long enough to hold several breaths, short enough to generate in a few milliseconds. */
    static final double BLOCK_SECONDS = 30.0;

    private final SoundKind kind;
    private final int sampleRate;
    private long seed;

    public SyntheticFeed(SoundKind kind, int sampleRate, long seed) {
        this.kind = kind;
        this.sampleRate = sampleRate;
        this.seed = seed;
        // Fails fast on a bad rate, before the agent starts.
        SynthParameters.of(kind, BLOCK_SECONDS, seed).withSampleRate(sampleRate);
    }

    /**
     * The kind for a command-line label: the generator's labels, plus "poor-contact" for {@code poor}.
     *
     * @throws IllegalArgumentException naming the accepted labels
     */
    public static SoundKind parseKind(String label) {
        String l = label == null ? "" : label.trim();
        if (l.equalsIgnoreCase("poor-contact") || l.equalsIgnoreCase("poor_contact")) {
            return SoundKind.POOR;
        }
        return SoundKind.parse(l);
    }

    @Override
    public AudioClip nextClip() {
        SynthParameters p = SynthParameters.of(kind, BLOCK_SECONDS, seed++).withSampleRate(sampleRate);
        return RespiratorySoundGenerator.generate(p).clip();
    }

    @Override
    public String describe() {
        return "synthetic " + kind.label() + " at " + sampleRate + " Hz";
    }
}
