package io.stethostream.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AST's inference weights as plain arrays, keyed by DJL's parameter path without its child-order prefixes
 * ({@code 02block0_02attn_01qkv_weight} becomes {@code block0_attn_qkv_weight}). The projector (training only) is
 * dropped. Shapes are DJL's: Linear weights are (out, in), the patch convolution (D, 1, 16, 16).
 */
public final class AstWeights {

    /** One weight tensor, row-major. */
    public record Tensor(long[] shape, float[] data) {
    }

    private final Map<String, Tensor> tensors;

    private AstWeights(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Copies the weights out of an initialised (or loaded) model. */
    public static AstWeights of(AstModel model) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray a = p.getValue().getArray();
            map.put(normalise(p.getKey()), new Tensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return new AstWeights(map);
    }

    /** Weights given directly (tests, other sources). */
    public static AstWeights of(Map<String, Tensor> tensors) {
        return new AstWeights(new LinkedHashMap<>(tensors));
    }

    /** Drops DJL's two-digit child-order prefix from every path segment. */
    static String normalise(String djlName) {
        return djlName.replaceAll("(^|_)\\d{2}(?=[a-z])", "$1");
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The tensor of that name; call {@link #check} first. */
    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("weight " + name + " missing");
        }
        return t;
    }

    /** Every weight the inference graph needs, with its shape for the configuration, in graph order. */
    public static Map<String, long[]> expectedShapes(AstConfig c) {
        long d = c.dim();
        Map<String, long[]> m = new LinkedHashMap<>();
        if (c.stem() > 0) {
            m.put("stem_weight",
                    new long[] {c.stem(), c.inputChannels(), AstConfig.STEM_KERNEL, AstConfig.STEM_KERNEL});
            m.put("stem_bias", new long[] {c.stem()});
        }
        m.put("patch_embed_weight", new long[] {d, c.patchInputChannels(), AstConfig.PATCH, AstConfig.PATCH});
        m.put("patch_embed_bias", new long[] {d});
        m.put("cls_token", new long[] {1, 1, d});
        m.put("dist_token", new long[] {1, 1, d});
        m.put("pos_embed", new long[] {1, c.patches() + 2L, d});
        for (int i = 0; i < c.depth(); i++) {
            String b = "block" + i + "_";
            m.put(b + "norm1_gamma", new long[] {d});
            m.put(b + "norm1_beta", new long[] {d});
            m.put(b + "attn_qkv_weight", new long[] {3 * d, d});
            m.put(b + "attn_qkv_bias", new long[] {3 * d});
            m.put(b + "attn_proj_weight", new long[] {d, d});
            m.put(b + "attn_proj_bias", new long[] {d});
            m.put(b + "norm2_gamma", new long[] {d});
            m.put(b + "norm2_beta", new long[] {d});
            m.put(b + "fc1_weight", new long[] {4 * d, d});
            m.put(b + "fc1_bias", new long[] {4 * d});
            m.put(b + "fc2_weight", new long[] {d, 4 * d});
            m.put(b + "fc2_bias", new long[] {d});
        }
        m.put("norm_gamma", new long[] {d});
        m.put("norm_beta", new long[] {d});
        m.put("head_norm_gamma", new long[] {d});
        m.put("head_norm_beta", new long[] {d});
        m.put("head_weight", new long[] {c.classes(), d});
        m.put("head_bias", new long[] {c.classes()});
        if (c.stats()) {
            long n = c.statsFeatures();
            for (String part : new String[] {"gamma", "beta", "runningMean", "runningVar"}) {
                m.put("head_stats_norm_" + part, new long[] {n});
            }
            m.put("head_stats_weight", new long[] {c.classes(), n});
        }
        return m;
    }

    /**
     * Refuses weights that lack a tensor the configuration needs, hold one of another shape, or hold one the graph
     * would not use (other than the training-only projector): a model part that this exporter does not know would
     * otherwise be dropped without a word, and the exported model would answer differently.
     */
    public void check(AstConfig config) throws UnconvertibleCheckpointException {
        List<String> problems = new ArrayList<>();
        Map<String, long[]> expected = expectedShapes(config);
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name) && !name.startsWith("proj_")) {
                problems.add(name + " is not used by the graph of this configuration");
            }
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add(e.getKey() + " missing");
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", the configuration needs "
                        + Arrays.toString(e.getValue()));
            } else if (t.data().length != Arrays.stream(t.shape()).reduce(1, (a, b) -> a * b)) {
                problems.add(e.getKey() + " holds " + t.data().length + " values for shape "
                        + Arrays.toString(t.shape()));
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 5);
            throw new UnconvertibleCheckpointException("the weights do not fit the model configuration (D="
                    + config.dim() + ", depth " + config.depth() + ", " + config.patches() + " patches): "
                    + String.join("; ", problems.subList(0, shown))
                    + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
    }
}
