package io.stethostream.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AstModelTest {

    @Test
    void thePapersGridHas948PatchesAndStride16Has392() {
        AstConfig paper = AstConfig.preset("base", 10, 798);
        assertEquals(12, paper.gridFreq());
        assertEquals(79, paper.gridTime());
        assertEquals(948, paper.patches());
        AstConfig cheap = AstConfig.preset("tiny", 16, 798);
        assertEquals(8 * 49, cheap.patches());
        assertThrows(IllegalArgumentException.class, () -> AstConfig.preset("huge", 10, 798));
        assertThrows(IllegalArgumentException.class, () -> new AstConfig("x", 100, 2, 3, 10, 128, 798, 4));
    }

    @Test
    void forwardShapesAndParameterCountOfTinyDepth4() {
        AstConfig cfg = AstConfig.preset("tiny", 10, 798).withDepth(4);
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(cfg);
            model.initialize(m, DataType.FLOAT32, model.inputShape(2));
            NDList out = model.forward(new ParameterStore(m, false), new NDList(m.randomNormal(model.inputShape(2))),
                    false);
            assertEquals(new Shape(2, 4), out.get(0).getShape());
            assertEquals(new Shape(2, 192), out.get(1).getShape());
            long params = model.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            // patch conv 192*256+192, tokens 2*192, pos 950*192, 4 blocks of 12*192^2+13*192 (+LN), final LN,
            // head LN + 192*4+4, projector 2*(192^2+192) + BN 2*192
            long expected = (192 * 256 + 192) + 2 * 192 + 950 * 192
                    + 4L * (3 * 192 * 192 + 3 * 192 + 192 * 192 + 192 + 192 * 768 + 768 + 768 * 192 + 192 + 4 * 192)
                    + 2 * 192 + (2 * 192 + 192 * 4 + 4) + 2 * (192 * 192 + 192) + 2 * 192
                    + 2 * 192; // BatchNorm's running mean and variance are parameters in DJL, not trained
            assertEquals(expected, params);
            long trainable = model.getParameters().values().stream().filter(p -> p.requiresGradient())
                    .mapToLong(p -> p.getArray().size()).sum();
            assertEquals(expected - 2 * 192, trainable);
        }
    }

    @Test
    void patchMixActsOnPatchEmbeddingsBeforeTokensAndPositions() {
        AstConfig cfg = new AstConfig("custom", 32, 2, 2, 16, 128, 64, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(cfg);
            model.initialize(m, DataType.FLOAT32, model.inputShape(3));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(model.inputShape(3));
            float[] plain = model.features(ps, x, null, false).toFloatArray();
            int n = cfg.patches();
            // Nothing mixed: identical features.
            float[] none = model.features(ps, x, new MixPlan(new float[n], new int[] {2, 0, 1}, 1.0), false)
                    .toFloatArray();
            assertArrayEquals(plain, none, 1e-5f);
            // Every patch from the partner: the features of the partner itself, since prefix tokens and positions
            // are added after the mix.
            float[] all = new float[n];
            Arrays.fill(all, 1f);
            int[] partner = {2, 0, 1};
            float[] mixed = model.features(ps, x, new MixPlan(all, partner, 0.0), false).toFloatArray();
            int d = cfg.dim();
            for (int i = 0; i < 3; i++) {
                float[] got = Arrays.copyOfRange(mixed, i * d, (i + 1) * d);
                float[] want = Arrays.copyOfRange(plain, partner[i] * d, (partner[i] + 1) * d);
                assertArrayEquals(want, got, 1e-4f, "sample " + i);
            }
            // A partial mask changes the features.
            float[] half = new float[n];
            half[0] = 1f;
            half[5] = 1f;
            float[] some = model.features(ps, x, new MixPlan(half, partner, 1 - 2.0 / n), false).toFloatArray();
            assertFalse(Arrays.equals(plain, some));
        }
    }

    @Test
    void meanPoolingReadsThePatchTokensAndKeepsTheParameters() throws Exception {
        AstConfig prefix = new AstConfig("custom", 32, 2, 2, 16, 128, 64, 4);
        AstConfig mean = prefix.withPool(AstConfig.POOL_MEAN);
        assertEquals(AstConfig.POOL_PREFIX, prefix.pool());
        assertThrows(IllegalArgumentException.class, () -> prefix.withPool("max"));
        assertJsonReadsBack(mean, prefix, "pool", "\"prefix\"");
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = initialised(m, mean);
            AstModel spec = initialised(m, prefix);
            assertEquals(spec.getParameters().keys(), model.getParameters().keys(), "same parameters either way");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(model.inputShape(2));
            int tokens = mean.patches() + 2;
            NDArray all = model.encodeSelected(ps, x, m.eye(tokens).expandDims(0).repeat(0, 2), false);
            NDArray expected = all.get(":, 2:").mean(new int[] {1});
            NDArray pooled = model.features(ps, x, null, false);
            assertArrayEquals(expected.toFloatArray(), pooled.toFloatArray(), 1e-5f);
            NDArray prefixMean = all.get(":, 0").add(all.get(":, 1")).mul(0.5f);
            assertFalse(Arrays.equals(prefixMean.toFloatArray(), pooled.toFloatArray()), "not the prefix tokens");
        }
    }

    @Test
    void convolutionalStemFeedsThePatchEmbeddingAndLeavesTheOtherParametersAsTheyWere() throws Exception {
        AstConfig plain = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4);
        AstConfig stem = plain.withStem(4);
        assertEquals(0, plain.stem());
        assertThrows(IllegalArgumentException.class, () -> plain.withStem(-1));
        assertThrows(IllegalArgumentException.class, () -> plain.withStem(AstConfig.MAX_STEM + 1));
        assertJsonReadsBack(stem, plain, "stem", "0");
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel a = initialised(m, plain);
            AstModel b = initialised(m, stem);
            java.util.List<String> plainNames = a.getParameters().keys();
            java.util.List<String> stemNames = b.getParameters().keys();
            assertEquals(plainNames, stemNames.subList(0, plainNames.size()),
                    "the stem comes last, so files written without one keep their names");
            assertEquals(2, stemNames.size() - plainNames.size());
            assertTrue(stemNames.get(stemNames.size() - 2).endsWith("stem_weight"), stemNames.toString());
            assertArrayEquals(new long[] {4, 1, 3, 3},
                    b.getParameters().get(stemNames.get(stemNames.size() - 2)).getArray().getShape().getShape());
            String patchEmbed = stemNames.stream().filter(n -> n.endsWith("patch_embed_weight")).findFirst().orElseThrow();
            assertArrayEquals(new long[] {32, 4, 16, 16},
                    b.getParameters().get(patchEmbed).getArray().getShape().getShape(), patchEmbed);
            assertTrue(AstModel.isEncoderParameter(stemNames.get(stemNames.size() - 1)), "the stem is encoder");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(b.inputShape(2));
            NDArray pooled = b.features(ps, x, null, false);
            assertEquals(new Shape(2, 32), pooled.getShape());
            // the patch embedding reads the stem's output only: with the stem zeroed every input looks the same
            b.getParameters().get(stemNames.get(stemNames.size() - 2)).getArray().muli(0);
            b.getParameters().get(stemNames.get(stemNames.size() - 1)).getArray().muli(0);
            NDArray blind1 = b.features(ps, x, null, false);
            NDArray blind2 = b.features(ps, m.randomNormal(b.inputShape(2)), null, false);
            assertArrayEquals(blind1.toFloatArray(), blind2.toFloatArray(), 1e-5f,
                    "the patch embedding reads only the stem's output");
        }
    }

    @Test
    void deltaChannelsAreTheRectifiedRiseAndFallBetweenFramesAndFeedThePatchEmbedding() throws Exception {
        AstConfig plain = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4);
        AstConfig delta = plain.withDelta(true);
        assertFalse(plain.delta());
        assertEquals(3, delta.patchInputChannels());
        assertEquals(4, delta.withStem(4).patchInputChannels(), "with a stem, the patches read the stem");
        assertJsonReadsBack(delta, plain, "delta", "false");
        try (NDManager m = NDManager.newBaseManager()) {
            // one mel bin over five frames: 1, 3, 2, 2, 5
            NDArray x = m.create(new float[] {1, 3, 2, 2, 5}, new Shape(1, 1, 1, 5));
            NDArray d = AstModel.withDifferences(x);
            assertEquals(new Shape(1, 3, 1, 5), d.getShape());
            assertArrayEquals(new float[] {1, 3, 2, 2, 5, 0, 2, 0, 0, 3, 0, 0, 1, 0, 0}, d.toFloatArray(), 0f,
                    "log-mel, rise (first frame 0), fall");
            AstModel b = initialised(m, delta);
            String patchEmbed = b.getParameters().keys().stream().filter(n -> n.endsWith("patch_embed_weight"))
                    .findFirst().orElseThrow();
            assertArrayEquals(new long[] {32, 3, 16, 16},
                    b.getParameters().get(patchEmbed).getArray().getShape().getShape());
            assertEquals(initialised(m, plain).getParameters().keys(), b.getParameters().keys(),
                    "no new parameter: only the patch embedding is wider");
            // a step between two frames changes the output only through the difference channels once their
            // weights are zero
            ParameterStore ps = new ParameterStore(m, false);
            NDArray input = m.randomNormal(b.inputShape(2));
            NDArray before = b.features(ps, input, null, false);
            NDArray w = b.getParameters().get(patchEmbed).getArray();
            w.set(new ai.djl.ndarray.index.NDIndex(":, 1:3"), 0f);
            assertFalse(Arrays.equals(before.toFloatArray(), b.features(ps, input, null, false).toFloatArray()),
                    "the difference channels reach the output");
        }
    }

    @Test
    void windowStatisticsArePerBinMomentsOfTheInputAndItsDifferencesAndStartWithNoSayInTheLogits() throws Exception {
        AstConfig plain = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4);
        AstConfig stats = plain.withStats(true);
        assertEquals(0, plain.statsFeatures());
        assertEquals(4 * 128, stats.statsFeatures());
        assertJsonReadsBack(stats, plain, "stats", "false");
        try (NDManager m = NDManager.newBaseManager()) {
            // two mel bins over four frames: bin 0 = 1, 3, 2, 2; bin 1 = 0, 0, 0, 4
            NDArray x = m.create(new float[] {1, 0, 3, 0, 2, 0, 2, 4}, new Shape(1, 1, 4, 2));
            float[] s = AstModel.windowStatistics(x, false).toFloatArray();
            double floor = AstModel.VARIANCE_FLOOR;
            float[] want = {2f, 1f, // means
                (float) Math.sqrt(0.5 + floor), (float) Math.sqrt(3 + floor), // sd over frames
                (float) Math.sqrt(14.0 / 9 + floor), (float) Math.sqrt(32.0 / 9 + floor), // sd of (2,-1,0), (0,0,4)
                2f, 4f}; // largest rise
            assertArrayEquals(want, s, 1e-5f);
            assertArrayEquals(Arrays.copyOfRange(want, 4, 8), AstModel.windowStatistics(x, true).toFloatArray(),
                    1e-5f, "change only: the difference's deviation and largest rise");
            AstModel model = initialised(m, stats);
            String head = model.getParameters().keys().stream().filter(n -> n.endsWith("head_stats_weight"))
                    .findFirst().orElseThrow();
            assertFalse(AstModel.isEncoderParameter(head), "the statistics head is not encoder");
            NDArray w = model.getParameters().get(head).getArray();
            assertArrayEquals(new long[] {4, 4 * 128}, w.getShape().getShape());
            assertEquals(0f, w.abs().max().getFloat(), "starts at zero: the model starts as the plain AST");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray input = m.randomNormal(model.inputShape(2));
            NDArray pooled = model.features(ps, input, null, false);
            NDArray before = model.logits(ps, input, pooled, false);
            w.set(m.randomNormal(w.getShape()).toFloatArray());
            assertFalse(Arrays.equals(before.toFloatArray(), model.logits(ps, input, pooled, false).toFloatArray()),
                    "the statistics reach the logits");
        }
    }

    @Test
    void changeOnlyStatisticsAreTheDifferencesTwoAndNeedStats() throws Exception {
        AstConfig all = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4).withStats(true);
        AstConfig change = all.withStats(true, true);
        assertEquals(2 * 128, change.statsFeatures());
        assertEquals(2 * 128, change.withDepth(2).withStem(4).withDelta(true).withPool("mean").statsFeatures(),
                "the other options keep it");
        assertJsonReadsBack(change, all, "statsChangeOnly", "false");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> all.withStats(false, true));
        assertTrue(e.getMessage().contains("needs stats"), e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = initialised(m, change);
            String head = model.getParameters().keys().stream().filter(n -> n.endsWith("head_stats_weight"))
                    .findFirst().orElseThrow();
            NDArray w = model.getParameters().get(head).getArray();
            assertArrayEquals(new long[] {4, 2 * 128}, w.getShape().getShape());
        }
    }

    /**
     * {@code withOption} survives a JSON round trip, and {@code plain}'s JSON without {@code field} (as written before
     * the option existed) reads as {@code plain}, whose value of the field is {@code defaultJson}.
     */
    private static void assertJsonReadsBack(AstConfig withOption, AstConfig plain, String field, String defaultJson)
            throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(withOption, json.readValue(json.writeValueAsString(withOption), AstConfig.class));
        String old = json.writeValueAsString(plain).replace(",\"" + field + "\":" + defaultJson, "");
        assertFalse(old.contains("\"" + field + "\""), old);
        assertEquals(plain, json.readValue(old, AstConfig.class), "a configuration without " + field);
    }

    private static AstModel initialised(NDManager m, AstConfig config) {
        AstModel model = new AstModel(config);
        model.initialize(m, DataType.FLOAT32, model.inputShape(2));
        return model;
    }
}
