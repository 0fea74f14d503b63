package io.stethostream.training.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/**
 * Size and grid of the Audio Spectrogram Transformer.
 *
 * @param preset    name of the preset it came from ("tiny", "small", "base" or "custom")
 * @param dim       embedding width D
 * @param depth     number of transformer blocks
 * @param heads     attention heads (D must divide by it)
 * @param stride    patch stride in both directions (10 as the paper: overlapping 16x16 patches; 16: no overlap)
 * @param melBins   input mel bins (128)
 * @param frames    input frames (798 for 8 s)
 * @param classes   output classes (4)
 * @param pool      what the head reads: {@value #POOL_PREFIX} (the spec's: the mean of the two prefix tokens; the
 *                  default, and what a configuration written before the option existed reads as) or
 *                  {@value #POOL_MEAN} (the mean of the patch tokens)
 * @param stem      channels of a convolutional stem before the patch embedding (a 3x3 convolution, stride 1, then
 *                  ReLU), or 0 for none (the spec's, and what a configuration written before the option existed
 *                  reads as). The linear 16 x 16 patch embedding cannot tell a click at one frame of a patch from the
 *                  same click at the next; rectified local differences summed over the patch can, which is what
 *                  crackles need.
 * @param delta     whether the input gains two channels beside the log-mel: its rectified rise and fall from one frame
 *                  to the next, max(0, x[t] - x[t-1]) and max(0, x[t-1] - x[t]) per mel bin (0 at the first frame).
 *                  false is the spec's, and what a configuration written before the option existed reads as. A
 *                  crackle is a jump of one or two frames; as a difference channel the linear patch embedding can
 *                  sum it over the patch wherever it falls, which a linear map of the log-mel alone cannot.
 * @param stats     whether the head also reads statistics of the whole input window, per mel bin: the mean and the
 *                  standard deviation over frames, the standard deviation of the frame-to-frame difference and its
 *                  largest rise ({@value #STATS_PER_BIN} x mel bins numbers, batch-normalised, through a linear map
 *                  added to the logits). false is the spec's, and what a configuration written before the option
 *                  existed reads as. A linear model on exactly these statistics finds the crackles that the
 *                  transformer alone misses (docs/results.md); they are pooled over the window and not linear in the
 *                  input, which 16 x 16 linear patch embeddings do not easily build.
 * @param statsChangeOnly with {@code stats}, whether the head reads only the two statistics of the frame-to-frame
 *                  change (its standard deviation and largest rise, {@value #CHANGE_STATS_PER_BIN} x mel bins).
 *                  false (all four) is what a configuration written before the option existed reads as. The
 *                  change statistics do not move with the recording's level or a stethoscope's fixed colouring
 *                  (a constant per bin cancels in a difference), which the mean and spread of the level do; in the
 *                  band-statistics probe they carried almost all of the crackle evidence that held on test patients.
 */
public record AstConfig(
        @JsonProperty("preset") String preset,
        @JsonProperty("dim") int dim,
        @JsonProperty("depth") int depth,
        @JsonProperty("heads") int heads,
        @JsonProperty("stride") int stride,
        @JsonProperty("melBins") int melBins,
        @JsonProperty("frames") int frames,
        @JsonProperty("classes") int classes,
        @JsonProperty("pool") String pool,
        @JsonProperty("stem") int stem,
        @JsonProperty("delta") boolean delta,
        @JsonProperty("stats") boolean stats,
        @JsonProperty("statsChangeOnly") boolean statsChangeOnly) {

    public static final int PATCH = 16;
    public static final String POOL_PREFIX = "prefix";
    public static final String POOL_MEAN = "mean";
    /** Most stem channels: the patch embedding's work grows linearly with them. */
    public static final int MAX_STEM = 64;
    /** The stem convolution's kernel, both directions (padding 1 keeps the grid). */
    public static final int STEM_KERNEL = 3;
    /** Statistics per mel bin that the head reads with {@link #stats()}. */
    public static final int STATS_PER_BIN = 4;
    /** Statistics per mel bin with {@link #statsChangeOnly()}: those of the frame-to-frame change. */
    public static final int CHANGE_STATS_PER_BIN = 2;

    public AstConfig {
        if (dim < 1 || depth < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("need dim divisible by heads and depth >= 1, got D=" + dim + " depth="
                    + depth + " heads=" + heads);
        }
        if (stride < 1 || stride > PATCH) {
            throw new IllegalArgumentException("patch stride must be 1..16, got " + stride);
        }
        if (melBins < PATCH || frames < PATCH || classes < 2) {
            throw new IllegalArgumentException("input must be at least 16 x 16 and classes >= 2");
        }
        pool = pool == null ? POOL_PREFIX : pool;
        if (!pool.equals(POOL_PREFIX) && !pool.equals(POOL_MEAN)) {
            throw new IllegalArgumentException("pool must be " + POOL_PREFIX + " or " + POOL_MEAN + ", got '" + pool
                    + "'");
        }
        if (stem < 0 || stem > MAX_STEM) {
            throw new IllegalArgumentException("stem channels must be 0 (none) to " + MAX_STEM + ", got " + stem);
        }
        if (statsChangeOnly && !stats) {
            throw new IllegalArgumentException("statsChangeOnly chooses which window statistics the head reads; it "
                    + "needs stats");
        }
    }

    /** A configuration pooled as the spec does (the prefix tokens). */
    public AstConfig(String preset, int dim, int depth, int heads, int stride, int melBins, int frames, int classes) {
        this(preset, dim, depth, heads, stride, melBins, frames, classes, POOL_PREFIX, 0, false, false, false);
    }

    /** This configuration with the head reading {@code newPool} ({@value #POOL_PREFIX} or {@value #POOL_MEAN}). */
    public AstConfig withPool(String newPool) {
        return new AstConfig(preset, dim, depth, heads, stride, melBins, frames, classes, newPool, stem, delta, stats,
                statsChangeOnly);
    }

    /** This configuration with a convolutional stem of {@code channels} channels (0: none). */
    public AstConfig withStem(int channels) {
        return new AstConfig(preset, dim, depth, heads, stride, melBins, frames, classes, pool, channels, delta, stats,
                statsChangeOnly);
    }

    /** This configuration with (or without) the two rectified frame-difference channels. */
    public AstConfig withDelta(boolean on) {
        return new AstConfig(preset, dim, depth, heads, stride, melBins, frames, classes, pool, stem, on, stats,
                statsChangeOnly);
    }

    /** This configuration with (or without) all four window statistics read by the head. */
    public AstConfig withStats(boolean on) {
        return withStats(on, false);
    }

    /** This configuration with (or without) the window statistics, all four or only the change's two. */
    public AstConfig withStats(boolean on, boolean changeOnly) {
        return new AstConfig(preset, dim, depth, heads, stride, melBins, frames, classes, pool, stem, delta, on,
                changeOnly);
    }

    /** Statistics per mel bin that the head reads: 4, 2 with {@link #statsChangeOnly()}, 0 without stats. */
    @JsonIgnore
    public int statsPerBin() {
        return !stats ? 0 : statsChangeOnly ? CHANGE_STATS_PER_BIN : STATS_PER_BIN;
    }

    /** How many window statistics the head reads: {@link #statsPerBin()} per mel bin. */
    @JsonIgnore
    public int statsFeatures() {
        return statsPerBin() * melBins;
    }

    /** Channels of the model's own input: the log-mel, and its rise and fall with {@link #delta()}. */
    @JsonIgnore
    public int inputChannels() {
        return delta ? 3 : 1;
    }

    /** Channels the patch embedding reads: the stem's, or the input's. */
    @JsonIgnore
    public int patchInputChannels() {
        return stem == 0 ? inputChannels() : stem;
    }

    /** True when the head reads the mean of the patch tokens. */
    @JsonIgnore
    public boolean meanPool() {
        return pool.equals(POOL_MEAN);
    }

    /** A named preset: tiny (D=192, 3 heads), small (D=384, 6 heads), base (D=768, 12 heads; the paper's), depth 12. */
    public static AstConfig preset(String name, int stride, int frames) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> new AstConfig("tiny", 192, 12, 3, stride, 128, frames, 4);
            case "small" -> new AstConfig("small", 384, 12, 6, stride, 128, frames, 4);
            case "base" -> new AstConfig("base", 768, 12, 12, stride, 128, frames, 4);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (tiny, small, base)");
        };
    }

    public AstConfig withDepth(int newDepth) {
        return new AstConfig(preset, dim, newDepth, heads, stride, melBins, frames, classes, pool, stem, delta, stats,
                statsChangeOnly);
    }

    /** Patch rows along the mel axis: (128 - 16) / stride + 1 = 12 at stride 10. */
    @JsonIgnore
    public int gridFreq() {
        return (melBins - PATCH) / stride + 1;
    }

    /** Patch columns along time: (798 - 16) / stride + 1 = 79 at stride 10. */
    @JsonIgnore
    public int gridTime() {
        return (frames - PATCH) / stride + 1;
    }

    /** Patches (948 at the paper's grid); tokens are two more. */
    @JsonIgnore
    public int patches() {
        return gridFreq() * gridTime();
    }
}
