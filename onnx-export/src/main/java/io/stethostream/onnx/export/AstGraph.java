package io.stethostream.onnx.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;

import java.util.Arrays;

import static io.stethostream.onnx.export.GraphBuilder.attr;
import static io.stethostream.onnx.export.GraphBuilder.attrs;

/**
 * The AST forward pass (inference, no Patch-Mix, no projector) as an ONNX opset-17 graph that computes what
 * {@code AstModel} computes, so that the two agree to float rounding.
 *
 * <p>Input {@value ModelMetadata#INPUT} (batch, 1, T, 128); outputs {@value ModelMetadata#LOGITS} (batch, classes),
 * {@value ModelMetadata#PROBABILITIES} (softmax of the logits) and optionally {@value ModelMetadata#EMBEDDING}
 * (batch, D), the pooled feature. Linear weights inside the blocks are stored transposed (in, out) so the graph uses
 * plain MatMul; opset 17 has no Gelu, so GELU is written as 0.5 x (1 + erf(x / sqrt 2)) (ONNX Runtime fuses it).
 *
 * <p>Two differences from the operation-for-operation form, neither of which changes the outputs beyond rounding:
 * the last block computes only the two prefix tokens when the head reads them (the default pooling), since the outputs
 * read nothing else (their queries still attend to the keys and values of every token); and with {@link AstOnnxExporter.Operators#FUSED} the attention of
 * the other blocks (qkv projection, scaled dot product, softmax, weighted sum) is one {@code com.microsoft.Attention}
 * node of ONNX Runtime's contributed operators instead of fourteen standard ones.
 */
final class AstGraph {

    /** Operator set domain of ONNX Runtime's contributed operators. */
    static final String MICROSOFT = "com.microsoft";

    private final AstConfig c;
    private final AstWeights w;
    private final GraphBuilder g;
    private final AstOnnxExporter.Operators ops;
    private String one;
    private String half;
    private String sqrt2;
    private String[] prefixSlice;

    private AstGraph(AstConfig config, AstWeights weights, AstOnnxExporter.Operators ops) {
        this.c = config;
        this.w = weights;
        this.g = new GraphBuilder("stethostream_ast");
        this.ops = ops;
    }

    /** The graph, the SHA-256 of its initializers, and whether it uses {@value #MICROSOFT} operators. */
    record Built(GraphProto graph, String weightsSha256, boolean usesMicrosoft) {
    }

    /** Builds the graph; {@code weights} must have passed {@link AstWeights#check}. */
    static Built build(AstConfig config, AstWeights weights, boolean withEmbedding, AstOnnxExporter.Operators ops) {
        return new AstGraph(config, weights, ops).build(withEmbedding);
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
        if (c.delta()) { // rectified rise and fall between frames (the first frame against itself) -> (B, 3, 128, T)
            String axis = g.longs("delta_axis", new long[] {3}, 1);
            String zero = g.longs("delta_zero", new long[] {0}, 1);
            String first = g.node("Slice", "delta_first", new String[] {x, zero,
                    g.longs("delta_one", new long[] {1}, 1), axis});
            String earlier = g.node("Slice", "delta_earlier", new String[] {x, zero,
                    g.longs("delta_last", new long[] {c.frames() - 1L}, 1), axis});
            String previous = g.node("Concat", "delta_previous", new String[] {first, earlier}, attr("axis", 3L));
            String step = g.node("Sub", "delta", new String[] {x, previous});
            String rise = g.node("Relu", "delta_rise", new String[] {step});
            String fall = g.node("Relu", "delta_fall", new String[] {g.node("Neg", "delta_neg", new String[] {step})});
            x = g.node("Concat", "delta_channels", new String[] {x, rise, fall}, attr("axis", 1L));
        }
        if (c.stem() > 0) { // convolutional stem: 3x3, stride 1, padding 1, then ReLU -> (B, C, 128, T)
            x = g.node("Conv", "stem", new String[] {x, weight("stem_weight"), weight("stem_bias")},
                    attrs("kernel_shape", AstConfig.STEM_KERNEL, AstConfig.STEM_KERNEL), attrs("pads", 1, 1, 1, 1));
            x = g.node("Relu", "stem_relu", new String[] {x});
        }
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

        boolean mean = c.meanPool();
        for (int i = 0; i < c.depth(); i++) {
            tokens = block(tokens, "block" + i + "_", !mean && i == c.depth() - 1);
        }
        tokens = layerNorm(tokens, "norm", 1e-6f); // (B, 2, D): the prefix tokens; (B, N + 2, D) when mean-pooled

        String pooled;
        if (mean) {
            // Pooled feature: mean of the patch tokens (every token but the two prefix ones).
            String patches = g.node("Slice", "patch_tokens", new String[] {tokens,
                    g.longs("slice_patches_start", new long[] {2}, 1),
                    g.longs("slice_patches_end", new long[] {Long.MAX_VALUE}, 1),
                    g.longs("slice_patches_axis", new long[] {1}, 1)});
            pooled = withEmbedding
                    ? g.nodeTo("ReduceMean", ModelMetadata.EMBEDDING, new String[] {patches}, attrs("axes", 1),
                            attr("keepdims", 0L))
                    : g.node("ReduceMean", "pooled", new String[] {patches}, attrs("axes", 1), attr("keepdims", 0L));
        } else {
            // Pooled feature: mean of the two prefix tokens.
            String t0 = g.node("Gather", "tok0", new String[] {tokens, g.scalarLong("index_0", 0)}, attr("axis", 1L));
            String t1 = g.node("Gather", "tok1", new String[] {tokens, g.scalarLong("index_1", 1)}, attr("axis", 1L));
            String sum = g.node("Add", "tok_sum", new String[] {t0, t1});
            pooled = withEmbedding ? g.nodeTo("Mul", ModelMetadata.EMBEDDING, new String[] {sum, half})
                    : g.node("Mul", "pooled", new String[] {sum, half});
        }

        String h = layerNorm(pooled, "head_norm", 1e-5f);
        String logits;
        if (c.stats()) {
            String plain = g.node("Gemm", "head", new String[] {h, weight("head_weight"), weight("head_bias")},
                    attr("transB", 1L));
            logits = g.nodeTo("Add", ModelMetadata.LOGITS, new String[] {plain, statsLogits()});
        } else {
            logits = g.nodeTo("Gemm", ModelMetadata.LOGITS,
                    new String[] {h, weight("head_weight"), weight("head_bias")}, attr("transB", 1L));
        }
        g.nodeTo("Softmax", ModelMetadata.PROBABILITIES, new String[] {logits}, attr("axis", -1L));

        g.output(ModelMetadata.LOGITS, "batch", c.classes());
        g.output(ModelMetadata.PROBABILITIES, "batch", c.classes());
        if (withEmbedding) {
            g.output(ModelMetadata.EMBEDDING, "batch", d);
        }
        return new Built(g.build(), g.weightsSha256(),
                ops == AstOnnxExporter.Operators.FUSED && (c.depth() > 1 || mean));
    }

    /**
     * Pre-norm block: x + attn(LN1(x)), then x + fc2(gelu(fc1(LN2(x)))). The last block computes only the two prefix
     * tokens: nothing after it reads the others, their queries attend to the keys and values of every token, and the
     * residuals and the MLP are per token.
     */
    private String block(String x, String p, boolean last) {
        String h = layerNorm(x, p + "norm1", 1e-6f);
        String out;
        if (last) {
            out = prefixAttention(h, p);
            x = prefix(x, p + "x_prefix");
        } else if (ops == AstOnnxExporter.Operators.FUSED) {
            out = fusedAttention(h, p);
        } else {
            out = standardAttention(h, p);
        }
        out = linear(out, p + "attn_proj");
        x = g.node("Add", p + "res1", new String[] {x, out});

        h = layerNorm(x, p + "norm2", 1e-6f);
        String m = linear(h, p + "fc1");
        m = gelu(m, p + "gelu");
        m = linear(m, p + "fc2");
        return g.node("Add", p + "res2", new String[] {x, m});
    }

    /** Multi-head self-attention in standard operators: (B, N, D) to (B, N, D), before the output projection. */
    private String standardAttention(String h, String p) {
        int d = c.dim();
        int heads = c.heads();
        int hd = d / heads;
        String qkv = linear(h, p + "attn_qkv");
        qkv = g.node("Reshape", p + "qkv_split",
                new String[] {qkv, g.longs(p + "shape_qkv", new long[] {0, 0, 3, heads, hd}, 5)});
        qkv = g.node("Transpose", p + "qkv_t", new String[] {qkv}, attrs("perm", 2, 0, 3, 1, 4)); // (3, B, H, N, hd)
        String q = g.node("Gather", p + "q", new String[] {qkv, g.scalarLong(p + "index_q", 0)}, attr("axis", 0L));
        String k = g.node("Gather", p + "k", new String[] {qkv, g.scalarLong(p + "index_k", 1)}, attr("axis", 0L));
        String v = g.node("Gather", p + "v", new String[] {qkv, g.scalarLong(p + "index_v", 2)}, attr("axis", 0L));
        return scaledDotProduct(q, k, v, p);
    }

    /** softmax(q k^T / sqrt(hd)) v for q (B, H, Nq, hd), k and v (B, H, N, hd); merged to (B, Nq, D). */
    private String scaledDotProduct(String q, String k, String v, String p) {
        int hd = c.dim() / c.heads();
        q = g.node("Mul", p + "q_scaled", new String[] {q, g.scalar(p + "attn_scale", (float) (1.0 / Math.sqrt(hd)))});
        String kt = g.node("Transpose", p + "k_t", new String[] {k}, attrs("perm", 0, 1, 3, 2));
        String scores = g.node("MatMul", p + "scores", new String[] {q, kt});
        String a = g.node("Softmax", p + "attn", new String[] {scores}, attr("axis", -1L));
        String out = g.node("MatMul", p + "attn_v", new String[] {a, v}); // (B, H, Nq, hd)
        out = g.node("Transpose", p + "attn_t", new String[] {out}, attrs("perm", 0, 2, 1, 3));
        return g.node("Reshape", p + "attn_merge",
                new String[] {out, g.longs(p + "shape_merge", new long[] {0, 0, c.dim()}, 3)});
    }

    /**
     * com.microsoft.Attention: the qkv projection (weight (D, 3D), the q, k, v blocks with heads contiguous, as the
     * qkv layer's rows are) and the attention with its default scale 1/sqrt(hd), heads merged: (B, N, D).
     */
    private String fusedAttention(String h, String p) {
        String[] wb = linearWeights(p + "attn_qkv", 0, -1, null);
        return g.nodeIn(MICROSOFT, "Attention", p + "attn", new String[] {h, wb[0], wb[1]},
                attr("num_heads", (long) c.heads()));
    }

    /** Tokens 0 and 1 (the prefix tokens) of a (B, N, D) tensor. */
    private String prefix(String x, String hint) {
        if (prefixSlice == null) {
            prefixSlice = new String[] {g.longs("prefix_starts", new long[] {0}, 1),
                    g.longs("prefix_ends", new long[] {2}, 1), g.longs("prefix_axes", new long[] {1}, 1)};
        }
        return g.node("Slice", hint, new String[] {x, prefixSlice[0], prefixSlice[1], prefixSlice[2]});
    }

    /**
     * Attention of the two prefix tokens' queries over all tokens, in standard operators: (B, N, D) to (B, 2, D). The
     * qkv layer is split into its query rows (applied to the prefix tokens) and its key and value rows.
     */
    private String prefixAttention(String h, String p) {
        int d = c.dim();
        int heads = c.heads();
        int hd = d / heads;
        String[] wq = linearWeights(p + "attn_qkv", 0, d, "q");
        String[] wkv = linearWeights(p + "attn_qkv", d, 2 * d, "kv");
        String q = g.node("MatMul", p + "attn_q", new String[] {prefix(h, p + "h_prefix"), wq[0]});
        q = g.node("Add", p + "attn_q_b", new String[] {q, wq[1]});
        String kv = g.node("MatMul", p + "attn_kv", new String[] {h, wkv[0]});
        kv = g.node("Add", p + "attn_kv_b", new String[] {kv, wkv[1]});
        q = g.node("Reshape", p + "q_heads",
                new String[] {q, g.longs(p + "shape_q", new long[] {0, 0, heads, hd}, 4)});
        q = g.node("Transpose", p + "q_t", new String[] {q}, attrs("perm", 0, 2, 1, 3)); // (B, H, 2, hd)
        kv = g.node("Reshape", p + "kv_split",
                new String[] {kv, g.longs(p + "shape_kv", new long[] {0, 0, 2, heads, hd}, 5)});
        kv = g.node("Transpose", p + "kv_t", new String[] {kv}, attrs("perm", 2, 0, 3, 1, 4)); // (2, B, H, N, hd)
        String k = g.node("Gather", p + "k", new String[] {kv, g.scalarLong(p + "index_k", 0)}, attr("axis", 0L));
        String v = g.node("Gather", p + "v", new String[] {kv, g.scalarLong(p + "index_v", 1)}, attr("axis", 0L));
        return scaledDotProduct(q, k, v, p);
    }

    /** Exact GELU, as DJL's (libtorch's default): 0.5 x (1 + erf(x / sqrt 2)). */
    private String gelu(String x, String p) {
        String s = g.node("Div", p + "_div", new String[] {x, sqrt2});
        s = g.node("Erf", p + "_erf", new String[] {s});
        s = g.node("Add", p + "_add", new String[] {s, one});
        s = g.node("Mul", p + "_mul", new String[] {x, s});
        return g.node("Mul", p, new String[] {s, half});
    }

    /**
     * The window statistics' share of the logits, as AstModel computes it: per mel bin the mean and standard deviation
     * over frames, the standard deviation of the frame-to-frame difference and its largest rise, (B, 4 x bins) in
     * that order (only the last two with statsChangeOnly); batch-normalised with the running statistics; a linear
     * map without bias.
     */
    private String statsLogits() {
        String frames = g.node("Reshape", "stats_input", new String[] {ModelMetadata.INPUT,
                g.longs("shape_stats_input", new long[] {0, c.frames(), c.melBins()}, 3)}); // (B, T, bins)
        String axis = g.longs("stats_axis", new long[] {1}, 1);
        String later = g.node("Slice", "stats_later", new String[] {frames, axis,
                g.longs("stats_end", new long[] {c.frames()}, 1), axis});
        String earlier = g.node("Slice", "stats_earlier", new String[] {frames,
                g.longs("stats_zero", new long[] {0}, 1), g.longs("stats_last", new long[] {c.frames() - 1L}, 1),
                axis});
        String step = g.node("Sub", "stats_step", new String[] {later, earlier}); // (B, T - 1, bins)
        String rise = g.node("ReduceMax", "stats_rise", new String[] {step}, attrs("axes", 1), attr("keepdims", 0L));
        String stepSd = deviation(step, "stats_step_sd");
        String[] parts = c.statsChangeOnly() ? new String[] {stepSd, rise}
                : new String[] {g.node("ReduceMean", "stats_mean", new String[] {frames}, attrs("axes", 1),
                        attr("keepdims", 0L)), deviation(frames, "stats_sd"), stepSd, rise};
        String all = g.node("Concat", "stats", parts, attr("axis", 1L));
        String norm = g.node("BatchNormalization", "stats_norm", new String[] {all,
                weight("head_stats_norm_gamma"), weight("head_stats_norm_beta"),
                weight("head_stats_norm_runningMean"), weight("head_stats_norm_runningVar")},
                attr("epsilon", AstModel.STATS_NORM_EPSILON));
        return g.node("Gemm", "stats_logits", new String[] {norm, weight("head_stats_weight")}, attr("transB", 1L));
    }

    /** Standard deviation over axis 1 with the variance floored by 1e-6, as AstModel's. */
    private String deviation(String x, String name) {
        String mean = g.node("ReduceMean", name + "_mean", new String[] {x}, attrs("axes", 1), attr("keepdims", 1L));
        String centred = g.node("Sub", name + "_centred", new String[] {x, mean});
        String variance = g.node("ReduceMean", name + "_var",
                new String[] {g.node("Mul", name + "_sq", new String[] {centred, centred})}, attrs("axes", 1),
                attr("keepdims", 0L));
        return g.node("Sqrt", name, new String[] {g.node("Add", name + "_floor",
                new String[] {variance, g.scalar(name + "_eps", AstModel.VARIANCE_FLOOR)})});
    }

    private String layerNorm(String x, String name, float eps) {
        return g.node("LayerNormalization", name, new String[] {x, weight(name + "_gamma"), weight(name + "_beta")},
                attr("axis", -1L), attr("epsilon", eps));
    }

    /** x W^T + b over the last axis of a 3-D tensor; the (out, in) weight is stored as (in, out). */
    private String linear(String x, String name) {
        String[] wb = linearWeights(name, 0, -1, null);
        String y = g.node("MatMul", name, new String[] {x, wb[0]});
        return g.node("Add", name + "_b", new String[] {y, wb[1]});
    }

    /**
     * The initializers of a linear layer, weight stored (in, out), and bias: all its outputs ({@code count} -1, named
     * NAME_weight_t and NAME_bias) or outputs {@code from} to {@code from + count} (NAME_weight_t_PART and
     * NAME_bias_PART).
     */
    private String[] linearWeights(String name, int from, int count, String part) {
        AstWeights.Tensor wt = w.get(name + "_weight");
        int out = count < 0 ? (int) wt.shape()[0] : count;
        int in = (int) wt.shape()[1];
        float[] t = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = wt.data()[(from + o) * in + i];
            }
        }
        if (count < 0) {
            return new String[] {g.floats(name + "_weight_t", t, in, out), weight(name + "_bias")};
        }
        float[] b = Arrays.copyOfRange(w.get(name + "_bias").data(), from, from + out);
        return new String[] {g.floats(name + "_weight_t_" + part, t, in, out),
                g.floats(name + "_bias_" + part, b, out)};
    }

    private String weight(String name) {
        AstWeights.Tensor t = w.get(name);
        return g.floats(name, t.data(), t.shape());
    }
}
