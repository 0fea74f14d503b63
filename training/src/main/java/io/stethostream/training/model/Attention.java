package io.stethostream.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Multi-head self-attention with one biased qkv projection and an output projection, as ViT/AST. */
final class Attention extends AbstractBlock {

    private final int heads;
    private final Linear qkv;
    private final Linear proj;

    Attention(int dim, int heads) {
        this.heads = heads;
        this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).optBias(true).build());
        this.proj = addChildBlock("proj", Linear.builder().setUnits(dim).optBias(true).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, N, D)
        long b = x.getShape().get(0);
        long n = x.getShape().get(1);
        long d = x.getShape().get(2);
        long hd = d / heads;
        NDArray qkvOut = qkv.forward(ps, new NDList(x), training).singletonOrThrow()
                .reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4); // (3, B, H, N, hd)
        NDArray q = qkvOut.get(0).mul((float) (1.0 / Math.sqrt(hd)));
        NDArray k = qkvOut.get(1);
        NDArray v = qkvOut.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1); // (B, H, N, N)
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
        return proj.forward(ps, new NDList(out), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes);
        proj.initialize(manager, dataType, inputShapes);
    }
}
