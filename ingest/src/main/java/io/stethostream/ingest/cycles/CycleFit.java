package io.stethostream.ingest.cycles;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a cycle shorter than the model window is repeated to fill it ({@link CyclePreparer#fitToLength(float[],
 * CycleFit)}).
 *
 * <p>{@link #TILE} is the reference's: copies joined end to start, so every join is a jump in the waveform, a click
 * heard and seen across all mel bands. SPRSound's events last 0.5-1.5 s, so a 4 s window holds 3-8 joins, clicks that
 * look like the crackles the model is asked to find, in every class. {@link #CROSSFADE} overlaps consecutive copies
 * by {@value #CROSSFADE_SECONDS} s with an equal-power (sine/cosine) crossfade, so the repeated audio has no jump.
 * Serving never repeats audio (the stream's windows are continuous), so the choice concerns training and scoring only.
 */
public enum CycleFit {
    TILE,
    CROSSFADE;

    /** Length of each crossfade. */
    public static final double CROSSFADE_SECONDS = 0.025;

    /** The option value: {@code tile} or {@code crossfade}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The fit named by an option value.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CycleFit parse(String label) {
        for (CycleFit f : values()) {
            if (f.label().equals(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("cycle fit must be one of "
                + Arrays.stream(values()).map(CycleFit::label).toList() + ", got '" + label + "'");
    }
}
