package io.stethostream.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * The light decoder of masked spectrogram pretraining (MAE-style): the encoder's outputs for the visible patches are
 * projected to the decoder width, put back in their places on the patch grid, every masked place gets one learned mask
 * token, position embeddings are added, a few pre-norm blocks run over the whole grid, and a linear layer predicts the
 * 16 x 16 log-mel values of every patch. Only pretraining uses it; fine-tuning and serving keep the encoder alone.
 */
public final class MaeDecoder extends AbstractBlock {

    private final AstConfig encoder;
    private final int width;
    private final Linear embed;
    private final Parameter maskToken;
    private final Parameter posEmbed;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear predict;

    /**
     * @param encoder the encoder's configuration (grid and width)
     * @param width   decoder width
     * @param depth   decoder blocks
     * @param heads   decoder attention heads
     */
    public MaeDecoder(AstConfig encoder, int width, int depth, int heads) {
        if (width < 1 || depth < 1 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("decoder needs width divisible by heads and depth >= 1, got width="
                    + width + " depth=" + depth + " heads=" + heads);
        }
        this.encoder = encoder;
        this.width = width;
        TruncatedNormalInitializer tn = new TruncatedNormalInitializer(0.02f);
        embed = addChildBlock("dec_embed", Linear.builder().setUnits(width).build());
        maskToken = addParameter(Parameter.builder().setName("mask_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, width)).optInitializer(tn).build());
        posEmbed = addParameter(Parameter.builder().setName("dec_pos_embed").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, encoder.patches(), width)).optInitializer(tn).build());
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("dec_block" + i, new TransformerBlock(width, heads)));
        }
        norm = addChildBlock("dec_norm", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        predict = addChildBlock("dec_pred", Linear.builder().setUnits(patchValues()).build());
        setInitializer(tn, Parameter.Type.WEIGHT);
    }

    /** Values per patch: 16 x 16. */
    public static int patchValues() {
        return AstConfig.PATCH * AstConfig.PATCH;
    }

    /**
     * Predicts every patch.
     *
     * @param visible  the encoder's outputs for the visible patches, prefix tokens removed: (B, V, D)
     * @param scatter  (B, N, V) 0/1: row p has a 1 in column v when patch p is the v-th visible patch, else zeros
     * @param masked   (B, N, 1) 1 where the patch is masked, 0 where visible
     * @return (B, N, 256) predicted patch values, in the order of the patch grid
     */
    public NDArray reconstruct(ParameterStore ps, NDArray visible, NDArray scatter, NDArray masked,
                               boolean training) {
        NDManager m = visible.getManager();
        NDArray v = embed.forward(ps, new NDList(visible), training).singletonOrThrow(); // (B, V, W)
        NDArray token = ps.getValue(maskToken, visible.getDevice(), training);
        NDArray filled = masked.mul(token); // (B, N, W): the mask token where masked
        filled.attach(m);
        NDArray x = scatter.matMul(v).add(filled).add(ps.getValue(posEmbed, visible.getDevice(), training));
        for (TransformerBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
        return predict.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(reconstruct(ps, inputs.get(0), inputs.get(1), inputs.get(2), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, encoder.patches(), patchValues())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long visible = inputShapes[0].get(1);
        embed.initialize(manager, dataType, new Shape(b, visible, encoder.dim()));
        Shape grid = new Shape(b, encoder.patches(), width);
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, grid);
        }
        norm.initialize(manager, dataType, grid);
        predict.initialize(manager, dataType, grid);
    }
}
