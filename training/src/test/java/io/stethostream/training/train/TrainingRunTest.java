package io.stethostream.training.train;

import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.eval.EpochRecord;
import io.stethostream.training.eval.RunReport;
import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real DJL training on a small configuration: a synthetic task learned and generalised, and checkpoint / resume
 * exactness.
 */
class TrainingRunTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(2.0);

    /** Two-second clips of normal breathing, crackles and wheezes from the generator, one breath each. */
    static List<LabelledCycle> synthetic(int perClass, long seedBase) {
        return synthetic(perClass, seedBase, false);
    }

    /**
     * @param sameBreathing give the three kinds of one index the same seed, hence the same breathing underneath, so
     *                      that only the crackle and wheeze events tell them apart
     */
    static List<LabelledCycle> synthetic(int perClass, long seedBase, boolean sameBreathing) {
        List<LabelledCycle> out = new ArrayList<>();
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        RespiratoryClass[] labels = {RespiratoryClass.NORMAL, RespiratoryClass.CRACKLE, RespiratoryClass.WHEEZE};
        for (int i = 0; i < perClass; i++) {
            for (int k = 0; k < kinds.length; k++) {
                long seed = seedBase + i;
                var rec = RespiratorySoundGenerator.generate(
                        new SynthParameters(kinds[k], 2.0, 16_000, 30, sameBreathing ? seed : seed * 3 + k));
                out.add(new LabelledCycle("synth", kinds[k].label() + "-" + seed, "p" + seed, 0, 0, 2.0, labels[k],
                        rec.clip().samples()));
            }
        }
        return out;
    }

    private static TrainConfig config(String method, int epochs, int batch, long seed, double lr, double minLr,
                                      double averaging) {
        AstConfig model = new AstConfig("custom", 64, 2, 2, 16, 128, SPEC.targetFrames(), 4);
        return new TrainConfig("synthetic", null, null, model, 2.0, method, epochs, batch, lr, minLr, 1e-6, averaging,
                0.06, 1.0, 1.0, false, 0.0, seed, 0, "default");
    }

    private static TrainConfig config(String method, int epochs, long seed) {
        return config(method, epochs, 8, seed, 1e-3, 1e-5, 0.5);
    }

    /**
     * Triplets (normal, crackle, wheeze) that share their breathing, with the crackles and wheezes raised by
     * {@code gain} over the generator's level: the generator adds its events to the breath sounds, so the difference
     * between a recording and the normal one of the same seed is its events (exactly, below the soft knee at 0.9).
     */
    static List<LabelledCycle> louderEvents(int perClass, long seedBase, double gain) {
        List<LabelledCycle> plain = synthetic(perClass, seedBase, true);
        List<LabelledCycle> out = new ArrayList<>();
        for (int i = 0; i < plain.size(); i += 3) {
            // synthetic() lists each seed's triplet normal first: the events are measured against that one
            assertEquals(RespiratoryClass.NORMAL, plain.get(i).label(), "triplet " + i / 3 + " starts with normal");
            float[] normal = plain.get(i).samples();
            out.add(plain.get(i));
            for (int k = 1; k < 3; k++) {
                LabelledCycle c = plain.get(i + k);
                float[] louder = new float[normal.length];
                for (int j = 0; j < louder.length; j++) {
                    louder[j] = (float) (normal[j] + gain * (c.samples()[j] - normal[j]));
                }
                out.add(new LabelledCycle(c.dataset(), c.recording(), c.patient(), c.index(), c.start(), c.end(),
                        c.label(), louder));
            }
        }
        return out;
    }

    /**
     * End to end through real DJL: a tiny AST trained on 48 synthetic clips classifies 24 recordings it has never
     * seen (other seeds, other breathing) as normal, crackle or wheeze. The events are raised 18 dB over the
     * generator's clinical level: at that level a run this short gets no further than the class prior (0.46 at best
     * held out), as a from-scratch transformer needs far more steps for faint events (docs/results.md). Sharing the
     * breathing inside each training triplet leaves the events as the only thing to learn from.
     * <p>
     * A from-scratch transformer leaves the class prior suddenly, at a step that depends on every rounding, so the
     * thresholds hold for any seed, not one lucky run: a CI machine with another core count (hence another libtorch
     * summation order) failed the earlier setting (+12 dB, batch 8), which only 1 of seeds 1-6 passed here. With +18 dB
     * and batch 4 (twice the steps) seeds 1-6 all ended at a loss of 0.33-0.60 (from 1.23-1.34) and a held-out
     * accuracy of 0.71-0.92 (chance: 0.33).
     */
    @Test
    void aTinyModelLearnsToTellCracklesWheezesAndNormalBreathingInRecordingsItHasNotSeen(@TempDir Path dir)
            throws IOException {
        List<LabelledCycle> train = louderEvents(16, 100, 8.0);
        List<LabelledCycle> heldOut = louderEvents(8, 5000, 8.0);
        TrainingRun run = new TrainingRun(config("ce", 30, 4, 3, 1e-3, 1e-5, 0.0), new BatchAssembler(SPEC),
                new TrainingRun.Data(train, List.of(), heldOut), dir, TrainingListener.NONE);
        List<EpochRecord> epochs = run.run(false, Map.of()).epochs();
        assertEquals(30, epochs.size());
        double first = epochs.get(0).trainLoss();
        double last = epochs.get(29).trainLoss();
        assertTrue(last < first * 0.6, "loss falls: " + first + " -> " + last);
        double accuracy = epochs.get(29).test().accuracy();
        assertTrue(accuracy >= 0.6, "held-out accuracy " + accuracy + " (chance 0.33)");
        assertTrue(Files.exists(dir.resolve("model-last.params")));
    }

    @Test
    void patchMixClTrainsAndAResumedRunEqualsTheUninterruptedOne(@TempDir Path dir) throws IOException {
        TrainingRun.Data data = new TrainingRun.Data(synthetic(6, 200), List.of(), synthetic(2, 2000));
        assertResumedRunEqualsTheUninterruptedOne(config("patchmix-cl", 3, 11), data, dir, TrainingListener.NONE);
    }

    /**
     * The fine-tuning recipe all at once (per-step cosine with warm-up, AdamW, sqrt class weights, every waveform
     * augmentation, SpecAugment) trains with finite losses, follows the schedule step by step, and resumes exactly
     * from epoch 1: the step index, the augmentations' draws and AdamW's state all continue.
     */
    @Test
    void theFineTuningRecipeTrainsAndAResumedStepCosineRunEqualsTheUninterruptedOne(@TempDir Path dir)
            throws IOException {
        AstConfig model = new AstConfig("custom", 64, 2, 2, 16, 128, SPEC.targetFrames(), 4);
        TrainConfig recipe = new TrainConfig("synthetic", null, null, model, 2.0, "ce", 2, 8, 1e-3, 1e-5,
                1e-2, 0.5, 0.06, 1.0, 1.0, true, 0.0, 13, 0, "sqrt", "step-cosine", 2, "adamw",
                WaveformAugment.NAMES);
        // 18 cycles, batch 8: 2 steps per epoch, 4 in all, epoch 1 warming up, epoch 2 decaying to the floor
        TrainingRun.Data data = new TrainingRun.Data(synthetic(6, 300), List.of(), synthetic(2, 3000));
        List<Double> rates = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps, double loss, double lr, double samplesPerSecond) {
                assertTrue(Double.isFinite(loss), "loss at epoch " + epoch + " step " + step);
                rates.add(lr);
            }
        };
        RunReport full = assertResumedRunEqualsTheUninterruptedOne(recipe, data, dir, listener);
        LearningRateSchedule schedule = new LearningRateSchedule(1e-3, 1e-5, 2, 4);
        assertEquals(4, rates.size());
        for (int s = 0; s < 4; s++) {
            assertEquals(schedule.at(s), rates.get(s), 0.0, "step " + s + " of the uninterrupted run");
        }
        assertEquals(5e-4, rates.get(0), 1e-12, "warm-up");
        assertEquals(1e-3, full.epochs().get(0).learningRate(), 1e-12, "epoch 1 logs its last step's rate, the peak");
        assertEquals(1e-5, full.epochs().get(1).learningRate(), 1e-12, "the floor at the last step");
        for (EpochRecord e : full.epochs()) {
            assertTrue(Double.isFinite(e.trainLoss()) && e.trainLoss() > 0, "epoch " + e.epoch());
        }
    }

    /**
     * With {@code --ema} the saved models are the weight average (not the trained weights, which the checkpoint keeps
     * beside it), and a resumed run equals the uninterrupted one, average included. A checkpoint written without an
     * average cannot be resumed with one.
     */
    @Test
    void aRunWithAWeightAverageSavesTheAverageAndResumesExactly(@TempDir Path dir) throws IOException {
        TrainingRun.Data data = new TrainingRun.Data(synthetic(6, 400), List.of(), synthetic(2, 4000));
        TrainConfig averaged = config("ce", 3, 8, 17, 1e-3, 1e-5, 0.0).withEma(0.9);
        assertResumedRunEqualsTheUninterruptedOne(averaged, data, dir, TrainingListener.NONE);
        Path whole = dir.resolve("whole");
        Path last = whole.resolve("checkpoints/epoch-003");
        assertTrue(Files.exists(last.resolve("average.params")), "the checkpoint keeps the average");
        assertArrayEquals(Files.readAllBytes(last.resolve("average.params")),
                Files.readAllBytes(whole.resolve("model-last.params")), "the average is the model saved");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(last.resolve("model.params")),
                Files.readAllBytes(whole.resolve("model-last.params"))), "not the trained weights");

        Path plain = dir.resolve("plain");
        TrainConfig without = config("ce", 1, 8, 17, 1e-3, 1e-5, 0.0);
        new TrainingRun(without, new BatchAssembler(SPEC), data, plain, TrainingListener.NONE).run(false, Map.of());
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new TrainingRun(averaged, new BatchAssembler(SPEC), data, plain, TrainingListener.NONE)
                        .run(true, Map.of()));
        assertTrue(e.getMessage().contains("no weight average") && e.getMessage().contains("--ema"), e.getMessage());
    }

    /**
     * Trains {@code config} uninterrupted and again interrupted after its last-but-one epoch, then resumed; asserts
     * the same losses and the same final weights; returns the uninterrupted run's report.
     */
    private static RunReport assertResumedRunEqualsTheUninterruptedOne(TrainConfig config, TrainingRun.Data data,
                                                                        Path dir, TrainingListener listener)
            throws IOException {
        int epochs = config.epochs();
        Path whole = dir.resolve("whole");
        RunReport full = new TrainingRun(config, new BatchAssembler(SPEC), data, whole, listener).run(false, Map.of());
        // Interrupted before its last epoch: simulate by training the run only up to its last-but-one checkpoint...
        Path part = dir.resolve("part");
        new TrainingRun(config, new BatchAssembler(SPEC), data, part, TrainingListener.NONE).run(false, Map.of());
        deleteTree(part.resolve(String.format("checkpoints/epoch-%03d", epochs)));
        Files.delete(part.resolve("model-last.params"));
        // ...then resuming it.
        RunReport resumed = new TrainingRun(config, new BatchAssembler(SPEC), data, part, TrainingListener.NONE)
                .run(true, Map.of());
        assertEquals(epochs, resumed.epochs().size());
        for (int e = 0; e < epochs; e++) {
            assertEquals(full.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(), 0.0,
                    "epoch " + (e + 1) + " loss");
            assertEquals(full.epochs().get(e).learningRate(), resumed.epochs().get(e).learningRate(), 0.0);
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("model-last.params")),
                Files.readAllBytes(part.resolve("model-last.params")), "same weights after resuming");
        return full;
    }

    @Test
    void trainingStepsLeaveNoArraysBehindInTheModelsManager() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var model = new io.stethostream.training.model.AstModel(new AstConfig("custom", 32, 1, 2, 16, 128, 198, 4));
            model.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, model.inputShape(4));
            Checkpoints.enableGradients(model);
            AdamL2 adam = new AdamL2(model.getParameters(), m, 1e-6, 0.5);
            var ps = new ai.djl.training.ParameterStore(m, false);
            java.util.Random random = new java.util.Random(1);
            int[] counts = new int[4];
            for (int s = 0; s < 4; s++) {
                try (ai.djl.ndarray.NDManager step = m.newSubManager()) {
                    var x = step.randomNormal(model.inputShape(4));
                    try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        var clean = model.features(ps, x, null, true);
                        var plan = Mixing.patchMix(model.config(), 4, random);
                        var mixed = model.project(ps, model.features(ps, x, plan, true), true);
                        gc.backward(Losses.crossEntropy(model.logits(ps, x, clean, true), new int[] {0, 1, 2, 3}, null)
                                .add(Losses.patchMixContrastive(mixed, clean, plan.partner(), plan.lambda(), 0.06)));
                    }
                    adam.step(1e-3);
                }
                counts[s] = m.getManagedArrays().size();
            }
            assertEquals(counts[1], counts[3], "arrays held by the model's manager after steps 2 and 4");
        }
    }

    @Test
    void weightsOfAnotherWidthAreRefused(@TempDir Path dir) throws IOException {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            io.stethostream.training.model.AstModel wide = new io.stethostream.training.model.AstModel(
                    new AstConfig("custom", 64, 1, 2, 16, 128, 198, 4));
            wide.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, wide.inputShape(1));
            Path file = dir.resolve("wide.params");
            Checkpoints.writeParams(wide, file);
            io.stethostream.training.model.AstModel narrow = new io.stethostream.training.model.AstModel(
                    new AstConfig("custom", 32, 1, 2, 16, 128, 198, 4));
            narrow.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, narrow.inputShape(1));
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> Checkpoints.loadParams(narrow, m, file));
            assertTrue(e.getMessage().contains("wide.params") && e.getMessage().contains("shape"), e.getMessage());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
