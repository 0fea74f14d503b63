package io.stethostream.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {

    @Test
    void contrastiveLossMatchesAHandComputedExample() {
        try (NDManager m = NDManager.newBaseManager()) {
            // z = rows of I; p = both [1, 0]; tau = 0.5 -> S = [[2, 0], [2, 0]];
            // partners swap, lambda 0.75 -> M = [[.75, .25], [.25, .75]].
            NDArray clean = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray projected = m.create(new float[] {1, 0, 1, 0}, new Shape(2, 2));
            double loss = Losses.patchMixContrastive(projected, clean, new int[] {1, 0}, 0.75, 0.5).getFloat();
            double ls0 = Math.log(Math.exp(2) / (Math.exp(2) + 1)); // -0.126928
            double ls1 = Math.log(1 / (Math.exp(2) + 1));           // -2.126928
            double expected = (-(0.75 * ls0 + 0.25 * ls1) - (0.25 * ls0 + 0.75 * ls1)) / 2; // 1.126928
            assertEquals(1.126928, expected, 1e-6);
            assertEquals(expected, loss, 1e-5);
        }
    }

    @Test
    void contrastiveGradientsMatchTheAnalyticFormulaAndStopAtTheCleanFeature() {
        int b = 3;
        int d = 4;
        double tau = 0.06;
        double lambda = 0.6;
        int[] partner = {2, 1, 0}; // sample 1 is its own partner
        float[] pv = {0.3f, -1.2f, 0.5f, 2.0f, 1.1f, 0.4f, -0.7f, 0.2f, -0.5f, 0.9f, 1.3f, -0.1f};
        float[] zv = {1.0f, 0.2f, -0.3f, 0.4f, -0.6f, 0.8f, 0.1f, 0.5f, 0.2f, -0.4f, 0.9f, 1.1f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(pv, new Shape(b, d));
            NDArray z = m.create(zv, new Shape(b, d));
            p.setRequiresGradient(true);
            z.setRequiresGradient(true);
            double loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = Losses.patchMixContrastive(p, z, partner, lambda, tau);
                loss = l.getFloat();
                gc.backward(l);
            }
            float[] gp = p.getGradient().toFloatArray();
            float[] gz = z.getGradient().toFloatArray();
            // Independent double-precision computation of the loss and dL/dp.
            double[][] ph = normalise(pv, b, d);
            double[][] zh = normalise(zv, b, d);
            double[][] target = new double[b][b];
            for (int i = 0; i < b; i++) {
                target[i][i] += lambda;
                target[i][partner[i]] += 1 - lambda;
            }
            double expectedLoss = 0;
            double[] expectedGp = new double[b * d];
            for (int i = 0; i < b; i++) {
                double[] s = new double[b];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < b; j++) {
                    for (int k = 0; k < d; k++) {
                        s[j] += ph[i][k] * zh[j][k] / tau;
                    }
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < b; j++) {
                    sum += Math.exp(s[j] - max);
                }
                double[] gPhat = new double[d];
                for (int j = 0; j < b; j++) {
                    double soft = Math.exp(s[j] - max) / sum;
                    expectedLoss -= target[i][j] * Math.log(soft) / b;
                    for (int k = 0; k < d; k++) {
                        gPhat[k] += (soft - target[i][j]) / b * zh[j][k] / tau; // dL/dS times dS/dp_hat
                    }
                }
                // through p_hat = p / |p|: (I - p_hat p_hat^T) g / |p|
                double norm = 0;
                for (int k = 0; k < d; k++) {
                    norm += pv[i * d + k] * (double) pv[i * d + k];
                }
                norm = Math.sqrt(norm);
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += ph[i][k] * gPhat[k];
                }
                for (int k = 0; k < d; k++) {
                    expectedGp[i * d + k] = (gPhat[k] - ph[i][k] * dot) / norm;
                }
            }
            assertEquals(expectedLoss, loss, 1e-4);
            for (int i = 0; i < gp.length; i++) {
                assertEquals(expectedGp[i], gp[i], 1e-4 * Math.max(1, Math.abs(expectedGp[i])), "dL/dp " + i);
            }
            assertArrayEquals(new float[b * d], gz, "no gradient reaches the detached clean feature");
        }
    }

    private static double[][] normalise(float[] v, int b, int d) {
        double[][] out = new double[b][d];
        for (int i = 0; i < b; i++) {
            double n = 0;
            for (int k = 0; k < d; k++) {
                n += v[i * d + k] * (double) v[i * d + k];
            }
            for (int k = 0; k < d; k++) {
                out[i][k] = v[i * d + k] / Math.sqrt(n);
            }
        }
        return out;
    }

    @Test
    void weightedAndMixedCrossEntropyFollowTheirDefinitions() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {2, 0, 0, 0, 0, 1, 0, 0}, new Shape(2, 4));
            double l0 = -Math.log(Math.exp(2) / (Math.exp(2) + 3)); // sample 0, class 0
            double l1 = -Math.log(Math.exp(1) / (Math.exp(1) + 3)); // sample 1, class 1
            assertEquals((l0 + l1) / 2, Losses.crossEntropy(logits, new int[] {0, 1}, null).getFloat(), 1e-5);
            float[] w = {0.1f, 0.3f, 0.3f, 0.3f};
            assertEquals((0.1 * l0 + 0.3 * l1) / 0.4,
                    Losses.crossEntropy(logits, new int[] {0, 1}, w).getFloat(), 1e-5);
            // partners swapped: sample 0 also answers for class 1, sample 1 for class 0
            double l0p = -Math.log(1 / (Math.exp(2) + 3));
            double l1p = -Math.log(1 / (Math.exp(1) + 3));
            double expected = 0.7 * (l0 + l1) / 2 + 0.3 * (l0p + l1p) / 2;
            assertEquals(expected, Losses.mixedCrossEntropy(logits, new int[] {0, 1}, new int[] {1, 0}, 0.7, null)
                    .getFloat(), 1e-5);
            // weighted (--class-weights inverse): each term is the weighted CE of its labels
            double weighted = 0.7 * (0.1 * l0 + 0.3 * l1) / 0.4 + 0.3 * (0.3 * l0p + 0.1 * l1p) / 0.4;
            assertEquals(weighted, Losses.mixedCrossEntropy(logits, new int[] {0, 1}, new int[] {1, 0}, 0.7, w)
                    .getFloat(), 1e-5);
        }
    }

    @Test
    void classWeightsChoiceFollowsTheSpecByDefault() {
        io.stethostream.training.data.ClassCounts counts =
                io.stethostream.training.data.ClassCounts.ofCounts(400, 100, 50, 10);
        float[] inverse = counts.inverseFrequencyWeightsAsFloats();
        AstConfig model = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4);
        java.util.function.BiFunction<String, String, TrainConfig> cfg = (method, weights) -> new TrainConfig(
                "synthetic", null, null, model, 2.0, method, 1, 8, 1e-3, 5e-8, 1e-6, 0.5, 0.06, 1.0, 1.0, false,
                0.0, 1, 0, weights);
        assertArrayEquals(inverse, cfg.apply("ce", null).lossClassWeights(counts), "CE: weighted (spec)");
        assertEquals("default", cfg.apply("ce", null).classWeights(), "an old config.json reads as default");
        assertNull(cfg.apply("patchmix-cl", "default").lossClassWeights(counts), "PMCL: unweighted (spec)");
        assertNull(cfg.apply("patchmix", "default").lossClassWeights(counts));
        assertArrayEquals(inverse, cfg.apply("patchmix-cl", "inverse").lossClassWeights(counts));
        assertNull(cfg.apply("ce", "none").lossClassWeights(counts));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cfg.apply("ce", "balanced"));
        assertTrue(e.getMessage().contains("balanced"), e.getMessage());
    }

    @Test
    void aConfigJsonWrittenBeforeClassWeightsExistedResumesWithTheSpecDefault() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TrainConfig now = new TrainConfig("synthetic", null, null, new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4),
                2.0, "patchmix-cl", 1, 8, 1e-3, 5e-8, 1e-6, 0.5, 0.06, 1.0, 1.0, false, 0.0, 1, 0, "inverse");
        com.fasterxml.jackson.databind.node.ObjectNode tree = json.valueToTree(now);
        assertEquals("inverse", json.treeToValue(tree, TrainConfig.class).classWeights(), "round trip");
        tree.remove("classWeights");
        assertEquals("default", json.treeToValue(tree, TrainConfig.class).classWeights());
    }
}
