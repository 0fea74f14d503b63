package io.stethostream.ingest.cycles;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.features.FeatureSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a recording into fixed-length cycles exactly as the Patch-Mix reference does (spec section 1): a linear fade-in
 * and fade-out over the whole recording, each cycle sliced at floor(start * rate) .. floor(end * rate), then cropped to
 * its first {@code windowSamples} or, when not longer than that, tiled until long enough, cut, and faded out over its
 * last {@code fadeSamples}. Fades follow torchaudio's linear Fade: gains 0, 1/(L-1), ..., 1 over L samples, applied
 * in float32 as torch does. (torch's vectorised linspace rounds some gains one ulp differently; in a faded tail whose
 * top mel bin sits just above the log floor that moves the last frame's cell by about 1e-3.)
 */
public final class CyclePreparer {

    private final int rate;
    private final int target;
    private final int fade;

    public CyclePreparer(FeatureSpec spec) {
        this.rate = spec.sampleRate();
        this.target = spec.windowSamples();
        this.fade = spec.fadeSamples();
    }

    /**
     * The prepared cycles of a recording already at the spec's rate, in annotation order: {@link #slices} each made
     * exactly the window length by {@link #fitToLength}.
     *
     * @throws IllegalArgumentException naming the recording and cycle when a cycle lies outside the audio or is empty
     */
    public List<float[]> prepare(AudioClip recording, List<Cycle> cycles) {
        List<float[]> out = slices(recording, cycles);
        out.replaceAll(this::fitToLength);
        return out;
    }

    /**
     * The cycles of a recording already at the spec's rate, in annotation order, cut from the whole recording after
     * its fade-in and fade-out but not yet cropped or tiled: what {@link #prepare} passes to {@link #fitToLength}.
     * Useful where many cycles are held in memory and fitted one batch at a time.
     *
     * @return a mutable list of fresh arrays, one per cycle
     * @throws IllegalArgumentException naming the recording and cycle when a cycle lies outside the audio or is empty
     */
    public List<float[]> slices(AudioClip recording, List<Cycle> cycles) {
        if (recording.sampleRate() != rate) {
            throw new IllegalArgumentException(recording.source() + ": cycles are prepared at " + rate
                    + " Hz, the recording is at " + recording.sampleRate() + " Hz (resample first)");
        }
        float[] faded = fadeInOut(recording.samples(), fade);
        List<float[]> out = new ArrayList<>(cycles.size());
        for (int i = 0; i < cycles.size(); i++) {
            Cycle c = cycles.get(i);
            int from = from(c);
            int to = to(c, faded.length);
            if (from >= to) {
                throw new IllegalArgumentException(recording.source() + ": cycle " + (i + 1) + " (" + c.start()
                        + " - " + c.end() + " s) holds no audio; the recording lasts "
                        + recording.durationSeconds() + " s");
            }
            out.add(Arrays.copyOfRange(faded, from, to));
        }
        return out;
    }

    /**
     * Whether a cycle holds at least one sample of a recording of {@code samples} samples at the spec's rate, that is
     * whether {@link #slices} accepts it. A cycle that ends past the audio but starts inside it is accepted and clipped.
     */
    public boolean holdsAudio(int samples, Cycle cycle) {
        return from(cycle) < to(cycle, samples);
    }

    private int from(Cycle c) {
        return (int) Math.floor(c.start() * rate);
    }

    private int to(Cycle c, int samples) {
        // The reference slices with Python semantics: an end past the audio is clipped to its length.
        return (int) Math.min(samples, Math.floor(c.end() * rate));
    }

    /** Crops to the target length, or tiles, cuts and fades out (also when exactly the target length, as the reference). */
    public float[] fitToLength(float[] cycle) {
        return fitToLength(cycle, CycleFit.TILE);
    }

    /**
     * Crops to the target length, or repeats the cycle as {@code fit} says, cuts and fades out. Cropping and the final
     * fade-out are the reference's whatever the fit.
     */
    public float[] fitToLength(float[] cycle, CycleFit fit) {
        if (cycle.length > target) {
            return Arrays.copyOf(cycle, target);
        }
        int overlap = fit == CycleFit.CROSSFADE && cycle.length < target
                ? Math.min((int) Math.round(CycleFit.CROSSFADE_SECONDS * rate), cycle.length / 4) : 0;
        float[] out = overlap == 0 ? tile(cycle) : crossfade(cycle, overlap);
        applyFadeOut(out, fade);
        return out;
    }

    private float[] tile(float[] cycle) {
        float[] out = new float[target];
        for (int at = 0; at < target; at += cycle.length) {
            System.arraycopy(cycle, 0, out, at, Math.min(cycle.length, target - at));
        }
        return out;
    }

    /**
     * Copies every {@code length - overlap} samples; where two overlap, the earlier fades out with a cosine and the
     * later fades in with a sine (gains whose squares sum to 1, so uncorrelated audio keeps its level).
     */
    private float[] crossfade(float[] cycle, int overlap) {
        float[] out = new float[target];
        int stride = cycle.length - overlap;
        for (int start = 0; start < target; start += stride) {
            boolean fadeIn = start > 0;
            boolean fadeOut = start + stride < target;
            int n = Math.min(cycle.length, target - start);
            for (int i = 0; i < n; i++) {
                float g = 1.0f;
                if (fadeIn && i < overlap) {
                    g *= (float) Math.sin(0.5 * Math.PI * (i + 0.5) / overlap);
                }
                int fromEnd = cycle.length - 1 - i;
                if (fadeOut && fromEnd < overlap) {
                    g *= (float) Math.sin(0.5 * Math.PI * (fromEnd + 0.5) / overlap);
                }
                out[start + i] += cycle[i] * g;
            }
        }
        return out;
    }

    /** A copy with a linear fade-in and fade-out of {@code len} samples each. */
    public static float[] fadeInOut(float[] samples, int len) {
        float[] out = samples.clone();
        int n = Math.min(len, out.length);
        for (int i = 0; i < n; i++) {
            out[i] = out[i] * gain(i, len);
        }
        applyFadeOut(out, len);
        return out;
    }

    private static void applyFadeOut(float[] x, int len) {
        int n = Math.min(len, x.length);
        for (int i = 0; i < n; i++) {
            int at = x.length - n + i;
            x[at] = x[at] * (-gain(i + (len - n), len) + 1.0f);
        }
    }

    /** torch.linspace(0, 1, len)[i] in float32: up from the start for the first half, down from the end after. */
    private static float gain(int i, int len) {
        if (len == 1) {
            return 0.0f;
        }
        float step = 1.0f / (float) (len - 1);
        return i < len / 2 ? step * i : 1.0f - step * (len - 1 - i);
    }
}
