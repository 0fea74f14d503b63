package io.stethostream.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm ViT block: x + attn(LN(x)), then x + mlp(LN(x)), LayerNorm eps 1e-6, MLP 4D with exact GELU. (DJL's own
 * TransformerEncoderBlock is post-norm, which is not the AST block.)
 */
final class TransformerBlock extends AbstractBlock {

    private final LayerNorm norm1;
    private final Attention attention;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    TransformerBlock(int dim, int heads) {
        norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        attention = addChildBlock("attn", new Attention(dim, heads));
        norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(4L * dim).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList h = norm1.forward(ps, new NDList(x), training);
        x = x.add(attention.forward(ps, h, training).singletonOrThrow());
        h = norm2.forward(ps, new NDList(x), training);
        NDArray m = Activation.gelu(fc1.forward(ps, h, training).singletonOrThrow());
        x = x.add(fc2.forward(ps, new NDList(m), training).singletonOrThrow());
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        norm1.initialize(manager, dataType, s);
        attention.initialize(manager, dataType, s);
        norm2.initialize(manager, dataType, s);
        fc1.initialize(manager, dataType, s);
        fc2.initialize(manager, dataType, new Shape(s.get(0), s.get(1), s.get(2) * 4));
    }
}
