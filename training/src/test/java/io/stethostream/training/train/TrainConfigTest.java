package io.stethostream.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.ClassCounts;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fine-tuning recipe's options: the paper's defaults, old config.json files, validation, the schedules. */
class TrainConfigTest {

    /** docs/results/icbhi-ce-s1/config.json, written before classWeights and the recipe's options existed. */
    private static final String OLD_CONFIG_JSON = """
            {
              "dataset" : "icbhi",
              "icbhiRoot" : "/work/shared/data/icbhi",
              "sprsoundRoot" : null,
              "model" : {
                "preset" : "tiny",
                "dim" : 192,
                "depth" : 4,
                "heads" : 3,
                "stride" : 16,
                "melBins" : 128,
                "frames" : 798,
                "classes" : 4
              },
              "windowSeconds" : 8.0,
              "method" : "ce",
              "epochs" : 20,
              "batchSize" : 8,
              "learningRate" : 0.001,
              "minLearningRate" : 5.0E-8,
              "weightDecay" : 1.0E-6,
              "averaging" : 0.5,
              "tau" : 0.06,
              "alpha" : 1.0,
              "mixAlpha" : 1.0,
              "specAugment" : true,
              "validationFraction" : 0.2,
              "seed" : 1,
              "threads" : 0
            }""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AstConfig MODEL = new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4);

    private static TrainConfig paper(String method, String classWeights) {
        return new TrainConfig("synthetic", null, null, MODEL, 2.0, method, 4, 8, 1e-3, 1e-6, 1e-6, 0.5, 0.06, 1.0,
                1.0, true, 0.0, 1, 0, classWeights);
    }

    @Test
    void anOldConfigJsonReadsAsThePapersSettings() throws Exception {
        TrainConfig old = JSON.readValue(OLD_CONFIG_JSON, TrainConfig.class);
        assertEquals("default", old.classWeights());
        assertEquals("epoch-cosine", old.schedule());
        assertEquals(0, old.warmupSteps());
        assertEquals("adam-l2", old.optimizer());
        assertEquals(List.of(), old.augment());
        assertEquals(0.0, old.ema(), "no weight average");
        assertFalse(old.decoupledWeightDecay());
        assertTrue(old.waveformAugment(16_000).isNone());
        assertEquals(io.stethostream.ingest.cycles.CycleFit.TILE, old.cycleFit(), "the reference's tiling");
        assertNull(old.normalisation(), "AudioSet's statistics");
        assertEquals(FeatureSpec.PATCH_MIX.withWindowSeconds(old.windowSeconds()), old.featureSpec());
        for (int step = 0; step < 3; step++) {
            assertEquals(old.learningRateAt(7), old.learningRateAt(7, step, 3), 0.0, "one rate per epoch");
        }
        // the same as a configuration built with the signature before the recipe existed
        TrainConfig built = new TrainConfig(old.dataset(), old.icbhiRoot(), old.sprsoundRoot(), old.model(),
                old.windowSeconds(), old.method(), old.epochs(), old.batchSize(), old.learningRate(),
                old.minLearningRate(), old.weightDecay(), old.averaging(), old.tau(), old.alpha(), old.mixAlpha(),
                old.specAugment(), old.validationFraction(), old.seed(), old.threads(), null);
        assertEquals(built, old);
    }

    @Test
    void theRecipeRoundTripsThroughJson() throws Exception {
        TrainConfig recipe = paper("ce", "sqrt").withRecipe("step-cosine", 100, "adamw", List.of("noise", "band"));
        String json = JSON.writeValueAsString(recipe);
        assertTrue(json.contains("\"warmupSteps\":100") && json.contains("\"augment\":[\"noise\",\"band\"]"), json);
        assertEquals(recipe, JSON.readValue(json, TrainConfig.class));
        assertTrue(recipe.decoupledWeightDecay());
        assertFalse(recipe.waveformAugment(16_000).isNone());
        TrainConfig faded = recipe.withFit("crossfade");
        assertEquals(faded, JSON.readValue(JSON.writeValueAsString(faded), TrainConfig.class));
        assertEquals(io.stethostream.ingest.cycles.CycleFit.CROSSFADE, faded.cycleFit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recipe.withFit("loop"));
        assertTrue(e.getMessage().contains("loop") && e.getMessage().contains("crossfade"), e.getMessage());
        TrainConfig averaged = faded.withEma(0.998);
        assertTrue(JSON.writeValueAsString(averaged).contains("\"ema\":0.998"));
        assertEquals(averaged, JSON.readValue(JSON.writeValueAsString(averaged), TrainConfig.class));
        for (double bad : new double[]{-0.1, 1.0, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> recipe.withEma(bad));
            assertTrue(e.getMessage().contains("--ema"), e.getMessage());
        }
        // the dataset's normalisation is kept in config.json and is the run's front end
        TrainConfig normalised = averaged.withNormalisation(new InputNormalisation(-14.9, 2.24));
        assertTrue(JSON.writeValueAsString(normalised).contains("\"normalisation\":{\"mean\":-14.9,\"std\":2.24}"));
        assertEquals(normalised, JSON.readValue(JSON.writeValueAsString(normalised), TrainConfig.class));
        assertEquals(-14.9, normalised.featureSpec().normMean(), 0.0);
        assertEquals(2.24, normalised.featureSpec().normStd(), 0.0);
        assertEquals(averaged.featureSpec().withNormalisation(-14.9, 2.24), normalised.featureSpec());
        // the gradient-norm limit: kept, absent reads as 0 (off), a negative or infinite one refused naming the option
        TrainConfig clipped = normalised.withClipGradNorm(1.0);
        assertTrue(JSON.writeValueAsString(clipped).contains("\"clipGradNorm\":1.0"));
        assertEquals(clipped, JSON.readValue(JSON.writeValueAsString(clipped), TrainConfig.class));
        assertEquals(0.0, normalised.clipGradNorm(), 0.0);
        com.fasterxml.jackson.databind.node.ObjectNode tree = JSON.valueToTree(clipped);
        tree.remove("clipGradNorm");
        assertEquals(0.0, JSON.treeToValue(tree, TrainConfig.class).clipGradNorm(), 0.0, "older config.json");
        for (double bad : new double[]{-1.0, Double.POSITIVE_INFINITY, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> recipe.withClipGradNorm(bad));
            assertTrue(e.getMessage().contains("--clip-grad"), e.getMessage());
        }
    }

    @Test
    void warmUpWithoutTheStepScheduleAndUnknownValuesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> paper("ce", null).withRecipe(null, 10, null, null));
        assertTrue(e.getMessage().contains("--warmup-steps") && e.getMessage().contains("step-cosine"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> paper("ce", null).withRecipe("step-cosine", -1, null, null));
        e = assertThrows(IllegalArgumentException.class, () -> paper("ce", null).withRecipe("linear", 0, null, null));
        assertTrue(e.getMessage().contains("linear"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> paper("ce", null).withRecipe(null, 0, "sgd", null));
        assertTrue(e.getMessage().contains("sgd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> paper("ce", null).withRecipe(null, 0, null, List.of("reverb")));
        assertTrue(e.getMessage().contains("reverb"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> paper("ce", null).withRecipe(null, 0, null, List.of("gain", "gain")));
    }

    @Test
    void windowStatisticsAreRefusedWithAPatchMixThatTheyCannotFollow() {
        AstConfig stats = MODEL.withStats(true);
        for (String method : new String[] {"patchmix", "tpatch"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(
                    "synthetic", null, null, stats, 2.0, method, 4, 8, 1e-3, 1e-6, 1e-6, 0.5, 0.06, 1.0, 1.0, true,
                    0.0, 1, 0, null));
            assertTrue(e.getMessage().contains("--stats") && e.getMessage().contains(method), e.getMessage());
        }
        for (String method : new String[] {"ce", "mixup", "cutmix", "patchmix-cl"}) {
            new TrainConfig("synthetic", null, null, stats, 2.0, method, 4, 8, 1e-3, 1e-6, 1e-6, 0.5, 0.06, 1.0, 1.0,
                    true, 0.0, 1, 0, null);
        }
    }

    @Test
    void theStepScheduleRunsOverAllStepsOfTheRun() {
        TrainConfig c = paper("ce", null).withRecipe("step-cosine", 5, null, null);
        int perEpoch = 10; // 4 epochs: 40 steps
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-6, 5, 40);
        for (int epoch = 1; epoch <= 4; epoch++) {
            for (int step = 0; step < perEpoch; step++) {
                assertEquals(s.at((epoch - 1) * perEpoch + step), c.learningRateAt(epoch, step, perEpoch), 0.0);
            }
        }
        assertEquals(1e-3 / 5, c.learningRateAt(1, 0, perEpoch), 1e-15, "warm-up");
        assertEquals(1e-6, c.learningRateAt(4, perEpoch - 1, perEpoch), 1e-15, "the floor at the last step");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.stepSchedule(1));
        assertTrue(e.getMessage().contains("--warmup-steps 5"), e.getMessage());
    }

    @Test
    void sqrtClassWeightsAreProportionalToOneOverTheRootOfTheCountOnEveryMethod() {
        ClassCounts counts = ClassCounts.ofCounts(100, 25, 4, 1);
        float[] sqrt = counts.inverseSqrtFrequencyWeightsAsFloats();
        double sum = 0.1 + 0.2 + 0.5 + 1.0;
        assertArrayEquals(new float[] {(float) (0.1 / sum), (float) (0.2 / sum), (float) (0.5 / sum),
                (float) (1.0 / sum)}, sqrt, 1e-7f);
        float[] inverse = counts.inverseFrequencyWeightsAsFloats();
        for (String method : new String[] {"ce", "patchmix-cl", "mixup"}) {
            assertArrayEquals(sqrt, paper(method, "sqrt").lossClassWeights(counts), method);
            assertArrayEquals(inverse, paper(method, "inverse").lossClassWeights(counts), method);
        }
        assertArrayEquals(inverse, paper("ce", "default").lossClassWeights(counts), "the spec's: ce weighted");
        assertNull(paper("patchmix-cl", "default").lossClassWeights(counts), "the spec's: PMCL unweighted");
        assertNull(paper("ce", "none").lossClassWeights(counts));
        assertEquals(0f, ClassCounts.ofCounts(4, 0, 1, 1).inverseSqrtFrequencyWeightsAsFloats()[1], "empty class");
        // the inverse weights of ICBHI's training split put 'both' at 5.7x 'normal'; sqrt at 2.4x
        ClassCounts icbhi = ClassCounts.ofCounts(2063, 1215, 501, 363);
        assertEquals(Math.sqrt(2063.0 / 363), icbhi.inverseSqrtFrequencyWeights()[3]
                / icbhi.inverseSqrtFrequencyWeights()[0], 1e-9);
    }
}
