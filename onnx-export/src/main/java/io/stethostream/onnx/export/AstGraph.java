package io.stethostream.onnx.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.training.model.AstConfig;

import static io.stethostream.onnx.export.GraphBuilder.attr;
import static io.stethostream.onnx.export.GraphBuilder.attrs;

/**
 * The AST forward pass (inference, no Patch-Mix, no projector) as an ONNX opset-17 graph, operation for operation as
 * {@code AstModel} computes it, so that the two agree to float rounding.
 *
 * <p>Input {@value ModelMetadata#INPUT} (batch, 1, T, 128); outputs {@value ModelMetadata#LOGITS} (batch, classes),
 * {@value ModelMetadata#PROBABILITIES} (softmax of the logits) and optionally {@value ModelMetadata#EMBEDDING}
 * (batch, D), the pooled feature. Linear weights inside the blocks are stored transposed (in, out) so the graph uses
 * plain MatMul; opset 17 has no Gelu, so GELU is written as 0.5 x (1 + erf(x / sqrt 2)).
 */
final class AstGraph {

    private final AstConfig c;
    private final AstWeights w;
    private final GraphBuilder g;
    private String one;
    private String half;
    private String sqrt2;

    private AstGraph(AstConfig config, AstWeights weights) {
        this.c = config;
        this.w = weights;
        this.g = new GraphBuilder("stethostream_ast");
    }

    /** The graph and the SHA-256 of its initializers. */
    record Built(GraphProto graph, String weightsSha256) {
    }

    /** Builds the graph; {@code weights} must have passed {@link AstWeights#check}. */
    static Built build(AstConfig config, AstWeights weights, boolean withEmbedding) {
        return new AstGraph(config, weights).build(withEmbedding);
    }

    private Built build(boolean withEmbedding) {
        int d = c.dim();
        int n = c.patches();
        g.input(ModelMetadata.INPUT, "batch", 1, c.frames(), c.melBins());
        one = g.scalar("const_one", 1f);
        half = g.scalar("const_half", 0.5f);
        sqrt2 = g.scalar("const_sqrt2", (float) Math.sqrt(2.0));

        // (B, 1, T, 128) -> (B, 1, 128, T) -> patches (B, D, F', T') -> (B, N, D), frequency-major as AstModel.
        String x = g.node("Transpose", "mel_first", new String[] {ModelMetadata.INPUT}, attrs("perm", 0, 1, 3, 2));
        String convW = weight("patch_embed_weight");
        String convB = weight("patch_embed_bias");
        String e = g.node("Conv", "patch_embed", new String[] {x, convW, convB},
                attrs("kernel_shape", AstConfig.PATCH, AstConfig.PATCH), attrs("strides", c.stride(), c.stride()));
        e = g.node("Reshape", "patches", new String[] {e, g.longs("shape_patches", new long[] {0, d, n}, 3)});
        e = g.node("Transpose", "patches_t", new String[] {e}, attrs("perm", 0, 2, 1));

        // Prefix tokens broadcast to the batch: Expand to (B, 2, D) with B read from the input's shape.
        String prefix = g.node("Concat", "prefix", new String[] {weight("cls_token"), weight("dist_token")},
                attr("axis", 1L));
        String batch = g.node("Shape", "batch", new String[] {ModelMetadata.INPUT}, attr("start", 0L),
                attr("end", 1L));
        String prefixShape = g.node("Concat", "prefix_shape",
                new String[] {batch, g.longs("shape_prefix_rest", new long[] {2, d}, 2)}, attr("axis", 0L));
        prefix = g.node("Expand", "prefix_b", new String[] {prefix, prefixShape});
        String tokens = g.node("Concat", "tokens", new String[] {prefix, e}, attr("axis", 1L));
        tokens = g.node("Add", "tokens_pos", new String[] {tokens, weight("pos_embed")});

        for (int i = 0; i < c.depth(); i++) {
            tokens = block(tokens, "block" + i + "_");
        }
        tokens = layerNorm(tokens, "norm", 1e-6f);

        // Pooled feature: mean of the two prefix tokens.
        String t0 = g.node("Gather", "tok0", new String[] {tokens, g.scalarLong("index_0", 0)}, attr("axis", 1L));
        String t1 = g.node("Gather", "tok1", new String[] {tokens, g.scalarLong("index_1", 1)}, attr("axis", 1L));
        String pooled = g.node("Add", "tok_sum", new String[] {t0, t1});
        if (withEmbedding) {
            pooled = g.nodeTo("Mul", ModelMetadata.EMBEDDING, new String[] {pooled, half});
        } else {
            pooled = g.node("Mul", "pooled", new String[] {pooled, half});
        }

        String h = layerNorm(pooled, "head_norm", 1e-5f);
        String logits = g.nodeTo("Gemm", ModelMetadata.LOGITS,
                new String[] {h, weight("head_weight"), weight("head_bias")}, attr("transB", 1L));
        g.nodeTo("Softmax", ModelMetadata.PROBABILITIES, new String[] {logits}, attr("axis", -1L));

        g.output(ModelMetadata.LOGITS, "batch", c.classes());
        g.output(ModelMetadata.PROBABILITIES, "batch", c.classes());
        if (withEmbedding) {
            g.output(ModelMetadata.EMBEDDING, "batch", d);
        }
        return new Built(g.build(), g.weightsSha256());
    }

    /** Pre-norm block: x + attn(LN1(x)), then x + fc2(gelu(fc1(LN2(x)))). */
    private String block(String x, String p) {
        int d = c.dim();
        int heads = c.heads();
        int hd = d / heads;
        String h = layerNorm(x, p + "norm1", 1e-6f);
        String qkv = linear(h, p + "attn_qkv");
        qkv = g.node("Reshape", p + "qkv_split",
                new String[] {qkv, g.longs(p + "shape_qkv", new long[] {0, 0, 3, heads, hd}, 5)});
        qkv = g.node("Transpose", p + "qkv_t", new String[] {qkv}, attrs("perm", 2, 0, 3, 1, 4)); // (3, B, H, N, hd)
        String q = g.node("Gather", p + "q", new String[] {qkv, g.scalarLong(p + "index_q", 0)}, attr("axis", 0L));
        String k = g.node("Gather", p + "k", new String[] {qkv, g.scalarLong(p + "index_k", 1)}, attr("axis", 0L));
        String v = g.node("Gather", p + "v", new String[] {qkv, g.scalarLong(p + "index_v", 2)}, attr("axis", 0L));
        q = g.node("Mul", p + "q_scaled", new String[] {q, g.scalar(p + "attn_scale", (float) (1.0 / Math.sqrt(hd)))});
        String kt = g.node("Transpose", p + "k_t", new String[] {k}, attrs("perm", 0, 1, 3, 2));
        String scores = g.node("MatMul", p + "scores", new String[] {q, kt});
        String attn = g.node("Softmax", p + "attn", new String[] {scores}, attr("axis", -1L));
        String out = g.node("MatMul", p + "attn_v", new String[] {attn, v}); // (B, H, N, hd)
        out = g.node("Transpose", p + "attn_t", new String[] {out}, attrs("perm", 0, 2, 1, 3));
        out = g.node("Reshape", p + "attn_merge",
                new String[] {out, g.longs(p + "shape_merge", new long[] {0, 0, d}, 3)});
        out = linear(out, p + "attn_proj");
        x = g.node("Add", p + "res1", new String[] {x, out});

        h = layerNorm(x, p + "norm2", 1e-6f);
        String m = linear(h, p + "fc1");
        m = gelu(m, p + "gelu");
        m = linear(m, p + "fc2");
        return g.node("Add", p + "res2", new String[] {x, m});
    }

    /** Exact GELU, as DJL's (libtorch's default): 0.5 x (1 + erf(x / sqrt 2)). */
    private String gelu(String x, String p) {
        String s = g.node("Div", p + "_div", new String[] {x, sqrt2});
        s = g.node("Erf", p + "_erf", new String[] {s});
        s = g.node("Add", p + "_add", new String[] {s, one});
        s = g.node("Mul", p + "_mul", new String[] {x, s});
        return g.node("Mul", p, new String[] {s, half});
    }

    private String layerNorm(String x, String name, float eps) {
        return g.node("LayerNormalization", name, new String[] {x, weight(name + "_gamma"), weight(name + "_beta")},
                attr("axis", -1L), attr("epsilon", eps));
    }

    /** x W^T + b over the last axis of a 3-D tensor; the (out, in) weight is stored as (in, out). */
    private String linear(String x, String name) {
        AstWeights.Tensor wt = w.get(name + "_weight");
        int out = (int) wt.shape()[0];
        int in = (int) wt.shape()[1];
        float[] t = new float[wt.data().length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = wt.data()[o * in + i];
            }
        }
        String wName = g.floats(name + "_weight_t", t, in, out);
        String y = g.node("MatMul", name, new String[] {x, wName});
        return g.node("Add", name + "_b", new String[] {y, weight(name + "_bias")});
    }

    private String weight(String name) {
        AstWeights.Tensor t = w.get(name);
        return g.floats(name, t.data(), t.shape());
    }
}
