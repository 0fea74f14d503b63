package io.stethostream.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * The Audio Spectrogram Transformer of the spec (section 3) with the Patch-Mix hook (section 4) and the contrastive
 * projector (section 5). Input: normalised log-mel (B, 1, T, 128) as the front end produces it (time x mel); it is
 * transposed to (B, 1, 128, T) inside, as AST does, optionally joined by its rectified frame-to-frame rise and fall
 * ({@link AstConfig#delta()}) and passed through a convolutional stem ({@link AstConfig#stem()}) before the patch
 * embedding. The head reads the pooled feature and, optionally, statistics of the whole window
 * ({@link AstConfig#stats()}). The plain forward returns [logits, pooled feature].
 *
 * <p>Results of operations whose first operand is a parameter would belong to the model's NDManager and pile up every
 * step; here every such result is attached to the input's manager, which the trainer closes after each step.
 */
public final class AstModel extends AbstractBlock {

    /** Floor on the variances of the window statistics (the exported graph uses the same). */
    public static final float VARIANCE_FLOOR = 1e-6f;
    /** The window statistics' batch normalisation epsilon (the exported graph uses the same). */
    public static final float STATS_NORM_EPSILON = 1e-5f;

    private final AstConfig config;
    private final Conv2d patchEmbed;
    private final Parameter clsToken;
    private final Parameter distToken;
    private final Parameter posEmbed;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final LayerNorm headNorm;
    private final Linear head;
    private final Linear projIn;
    private final BatchNorm projNorm;
    private final Linear projOut;
    private final Conv2d stem; // null without a convolutional stem
    private final BatchNorm statsNorm; // these two are null without window statistics
    private final Linear statsHead;

    public AstModel(AstConfig config) {
        this.config = config;
        int d = config.dim();
        patchEmbed = addChildBlock("patch_embed", Conv2d.builder().setKernelShape(new Shape(16, 16))
                .optStride(new Shape(config.stride(), config.stride())).setFilters(d).build());
        TruncatedNormalInitializer tn = new TruncatedNormalInitializer(0.02f);
        clsToken = addParameter(Parameter.builder().setName("cls_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, d)).optInitializer(tn).build());
        distToken = addParameter(Parameter.builder().setName("dist_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, d)).optInitializer(tn).build());
        posEmbed = addParameter(Parameter.builder().setName("pos_embed").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, config.patches() + 2, d)).optInitializer(tn).build());
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(addChildBlock("block" + i, new TransformerBlock(d, config.heads())));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        headNorm = addChildBlock("head_norm", LayerNorm.builder().axis(1).optEpsilon(1e-5f).build());
        head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
        projIn = addChildBlock("proj_in", Linear.builder().setUnits(d).build());
        projNorm = addChildBlock("proj_bn", BatchNorm.builder().optAxis(1).build());
        projOut = addChildBlock("proj_out", Linear.builder().setUnits(d).build());
        setInitializer(tn, Parameter.Type.WEIGHT); // trunc-normal(0.02) as ViT/AST; biases 0, norms 1/0
        if (config.stem() > 0) {
            // Added last so that the child numbering, and so every file written without a stem, stays as it was.
            int k = AstConfig.STEM_KERNEL;
            stem = addChildBlock("stem", Conv2d.builder().setKernelShape(new Shape(k, k)).optPadding(new Shape(1, 1))
                    .setFilters(config.stem()).build());
            // He initialisation (fan-in k x k): trunc-normal(0.02) would leave the ReLU's output near zero
            stem.setInitializer(new NormalInitializer((float) Math.sqrt(2.0 / (k * k))), Parameter.Type.WEIGHT);
        } else {
            stem = null;
        }
        if (config.stats()) {
            // Added after everything else, for the same reason as the stem; "head_" so that a pretrained encoder
            // never brings them (isEncoderParameter).
            statsNorm = addChildBlock("head_stats_norm", BatchNorm.builder().optAxis(1)
                    .optEpsilon(STATS_NORM_EPSILON).build());
            statsHead = addChildBlock("head_stats", Linear.builder().setUnits(config.classes()).optBias(false).build());
            // zero: the model starts as the plain AST, and learns what the statistics add
            statsHead.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
        } else {
            statsNorm = null;
            statsHead = null;
        }
    }

    public AstConfig config() {
        return config;
    }

    /** Shape of one input batch of {@code batch} samples. */
    public Shape inputShape(int batch) {
        return new Shape(batch, 1, config.frames(), config.melBins());
    }

    /**
     * Pooled feature (B, D) after the final LayerNorm: the mean of the two prefix tokens, or with
     * {@link AstConfig#meanPool()} the mean of the patch tokens; {@code mix} may be null.
     */
    public NDArray features(ParameterStore ps, NDArray input, MixPlan mix, boolean training) {
        NDArray tokens = encode(ps, tokens(ps, input, mix, training), training);
        if (config.meanPool()) {
            return tokens.get(":, 2:").mean(new int[] {1});
        }
        return tokens.get(":, 0").add(tokens.get(":, 1")).mul(0.5f);
    }

    /**
     * The encoder on a subset of tokens, for masked pretraining: {@code select} (B, K, N + 2) is a 0/1 matrix whose
     * rows pick the tokens the encoder sees (the two prefix tokens and the visible patches, each row one token).
     * Position embeddings are added before the selection, so every kept patch keeps its place on the grid; masked
     * patches are not in the result and so cannot reach any other token through attention.
     *
     * @return the selected tokens after the blocks and the final LayerNorm, (B, K, D)
     */
    public NDArray encodeSelected(ParameterStore ps, NDArray input, NDArray select, boolean training) {
        NDArray all = tokens(ps, input, null, training);
        return encode(ps, select.matMul(all), training);
    }

    /** Patch embeddings with the prefix tokens in front and position embeddings added: (B, N + 2, D). */
    private NDArray tokens(ParameterStore ps, NDArray input, MixPlan mix, boolean training) {
        NDManager m = input.getManager();
        long b = input.getShape().get(0);
        NDArray x = input.transpose(0, 1, 3, 2); // (B, 1, 128, T)
        if (config.delta()) {
            x = withDifferences(x); // (B, 3, 128, T)
        }
        if (stem != null) {
            x = Activation.relu(stem.forward(ps, new NDList(x), training).singletonOrThrow()); // (B, C, 128, T)
        }
        NDArray e = patchEmbed.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, D, F', T')
        e = e.reshape(b, config.dim(), config.patches()).transpose(0, 2, 1); // (B, N, D), frequency-major
        if (mix != null) {
            e = applyMix(e, mix, m);
        }
        NDArray cls = own(ps.getValue(clsToken, input.getDevice(), training).broadcast(b, 1, config.dim()), m);
        NDArray dist = own(ps.getValue(distToken, input.getDevice(), training).broadcast(b, 1, config.dim()), m);
        return NDArrays.concat(new NDList(cls, dist, e), 1)
                .add(ps.getValue(posEmbed, input.getDevice(), training));
    }

    /**
     * The log-mel (B, 1, 128, T) with its rectified rise and fall between consecutive frames as two more channels;
     * the first frame is compared with itself (0), so the result has the same frames.
     */
    static NDArray withDifferences(NDArray x) {
        NDArray previous = NDArrays.concat(new NDList(x.get(":, :, :, 0:1"), x.get(":, :, :, :-1")), 3);
        NDArray d = x.sub(previous);
        return NDArrays.concat(new NDList(x, Activation.relu(d), Activation.relu(d.neg())), 1);
    }

    private NDArray encode(ParameterStore ps, NDArray tokens, boolean training) {
        for (TransformerBlock block : blocks) {
            tokens = block.forward(ps, new NDList(tokens), training).singletonOrThrow();
        }
        return norm.forward(ps, new NDList(tokens), training).singletonOrThrow();
    }

    /**
     * Whether a parameter belongs to the encoder (patch embedding, prefix tokens, position embedding, blocks, final
     * norm) rather than to the classification head or the contrastive projector, which a pretrained encoder does not
     * bring and fine-tuning starts fresh.
     */
    public static boolean isEncoderParameter(String name) {
        String n = name.replaceFirst("^\\d+", ""); // DJL numbers child blocks: "09head_norm_gamma"
        return !(n.startsWith("head") || n.startsWith("proj"));
    }

    /**
     * Class logits (B, classes) from pooled features; with {@link AstConfig#stats()} plus a linear map of the
     * batch-normalised statistics of {@code input}, the batch the pooled features were computed from.
     */
    public NDArray logits(ParameterStore ps, NDArray input, NDArray pooled, boolean training) {
        NDArray h = headNorm.forward(ps, new NDList(pooled), training).singletonOrThrow();
        NDArray out = head.forward(ps, new NDList(h), training).singletonOrThrow();
        if (statsHead == null) {
            return out;
        }
        NDArray s = statsNorm.forward(ps, new NDList(windowStatistics(input, config.statsChangeOnly())), training)
                .singletonOrThrow();
        return out.add(statsHead.forward(ps, new NDList(s), training).singletonOrThrow());
    }

    /**
     * Statistics of each input window (B, 1, T, bins), per mel bin: mean, standard deviation over frames, standard
     * deviation of the frame-to-frame difference, largest rise; (B, 4 x bins), each statistic's bins together. With
     * {@code changeOnly} only the last two, (B, 2 x bins).
     */
    static NDArray windowStatistics(NDArray input, boolean changeOnly) {
        NDArray x = input.squeeze(1); // (B, T, bins)
        NDArray d = x.get(":, 1:, :").sub(x.get(":, :-1, :"));
        NDList change = new NDList(deviation(d), d.max(new int[] {1}));
        return NDArrays.concat(changeOnly ? change
                : new NDList(x.mean(new int[] {1}), deviation(x)).addAll(change), 1);
    }

    /** Standard deviation over axis 1 (frames), the variance floored by {@link #VARIANCE_FLOOR}. */
    private static NDArray deviation(NDArray x) {
        NDArray centred = x.sub(x.mean(new int[] {1}, true));
        return centred.square().mean(new int[] {1}).add(VARIANCE_FLOOR).sqrt();
    }

    /** The contrastive projector: Linear, BatchNorm1d, ReLU, Linear. */
    public NDArray project(ParameterStore ps, NDArray pooled, boolean training) {
        NDArray h = projIn.forward(ps, new NDList(pooled), training).singletonOrThrow();
        h = Activation.relu(projNorm.forward(ps, new NDList(h), training).singletonOrThrow());
        return projOut.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    /** Replaces the masked patches of every sample by its partner's: e (1 - M) + P e M. */
    private NDArray applyMix(NDArray e, MixPlan mix, NDManager m) {
        long b = e.getShape().get(0);
        if (mix.partner().length != b || mix.mask().length != config.patches()) {
            throw new IllegalArgumentException("mix plan for " + mix.partner().length + " samples x "
                    + mix.mask().length + " patches, batch is " + b + " x " + config.patches());
        }
        float[] perm = new float[(int) (b * b)];
        for (int i = 0; i < b; i++) {
            perm[(int) (i * b + mix.partner()[i])] = 1f;
        }
        NDArray p = m.create(perm, new Shape(b, b)).toDevice(e.getDevice(), false);
        NDArray mask = m.create(mix.mask(), new Shape(1, config.patches(), 1)).toDevice(e.getDevice(), false);
        NDArray partners = p.matMul(e.reshape(b, -1)).reshape(e.getShape());
        return e.add(partners.sub(e).mul(mask));
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray pooled = features(ps, inputs.head(), null, training);
        return new NDList(logits(ps, inputs.head(), pooled, training), pooled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, config.classes()), new Shape(b, config.dim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        int d = config.dim();
        if (stem != null) {
            stem.initialize(manager, dataType, new Shape(b, config.inputChannels(), config.melBins(), config.frames()));
        }
        patchEmbed.initialize(manager, dataType,
                new Shape(b, config.patchInputChannels(), config.melBins(), config.frames()));
        Shape tokens = new Shape(b, config.patches() + 2, d);
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        Shape pooled = new Shape(b, d);
        headNorm.initialize(manager, dataType, pooled);
        head.initialize(manager, dataType, pooled);
        projIn.initialize(manager, dataType, pooled);
        projNorm.initialize(manager, dataType, pooled);
        projOut.initialize(manager, dataType, pooled);
        if (statsHead != null) {
            Shape stats = new Shape(b, config.statsFeatures());
            statsNorm.initialize(manager, dataType, stats);
            statsHead.initialize(manager, dataType, stats);
        }
    }
}
