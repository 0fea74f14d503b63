package io.stethostream.training.train;

import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real DJL training on a small configuration: a separable synthetic task, and checkpoint / resume exactness. */
class TrainingRunTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(2.0);

    /** Two-second clips of normal breathing, crackles and wheezes from the generator, one breath each. */
    static List<LabelledCycle> synthetic(int perClass, long seedBase) {
        List<LabelledCycle> out = new ArrayList<>();
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        RespiratoryClass[] labels = {RespiratoryClass.NORMAL, RespiratoryClass.CRACKLE, RespiratoryClass.WHEEZE};
        for (int i = 0; i < perClass; i++) {
            for (int k = 0; k < kinds.length; k++) {
                long seed = seedBase + i;
                var rec = RespiratorySoundGenerator.generate(
                        new SynthParameters(kinds[k], 2.0, 16_000, 30, seed * 3 + k));
                out.add(new LabelledCycle("synth", kinds[k].label() + "-" + seed, "p" + seed, 0, 0, 2.0, labels[k],
                        rec.clip().samples()));
            }
        }
        return out;
    }

    private static TrainConfig config(String method, int epochs, long seed) {
        AstConfig model = new AstConfig("custom", 64, 2, 2, 16, 128, SPEC.targetFrames(), 4);
        return new TrainConfig("synthetic", null, null, model, 2.0, method, epochs, 8, 1e-3, 1e-5, 1e-6, 0.5, 0.06,
                1.0, 0.4, false, 0.0, seed, 0);
    }

    @Test
    void aTinyModelLearnsNormalCrackleAndWheeze(@TempDir Path dir) throws IOException {
        List<LabelledCycle> train = synthetic(24, 100);
        List<LabelledCycle> test = synthetic(8, 1000);
        TrainingRun run = new TrainingRun(config("ce", 10, 7), new BatchAssembler(SPEC),
                new TrainingRun.Data(train, List.of(), test), dir, TrainingListener.NONE);
        RunReport report = run.run(false, Map.of());
        List<EpochRecord> epochs = report.epochs();
        assertEquals(10, epochs.size());
        assertTrue(epochs.get(9).trainLoss() < epochs.get(0).trainLoss() * 0.5,
                "loss falls: " + epochs.get(0).trainLoss() + " -> " + epochs.get(9).trainLoss());
        double accuracy = epochs.get(9).test().accuracy();
        assertTrue(accuracy >= 0.9, "held-out accuracy " + accuracy);
        assertTrue(Files.exists(dir.resolve("model-last.params")));
    }

    @Test
    void patchMixClTrainsAndAResumedRunEqualsTheUninterruptedOne(@TempDir Path dir) throws IOException {
        List<LabelledCycle> train = synthetic(6, 200);
        List<LabelledCycle> test = synthetic(2, 2000);
        TrainingRun.Data data = new TrainingRun.Data(train, List.of(), test);
        Path whole = dir.resolve("whole");
        RunReport full = new TrainingRun(config("patchmix-cl", 3, 11), new BatchAssembler(SPEC), data, whole,
                TrainingListener.NONE).run(false, Map.of());
        // Interrupted after epoch 2: simulate by training a 3-epoch run only up to its second checkpoint...
        Path part = dir.resolve("part");
        new TrainingRun(config("patchmix-cl", 3, 11), new BatchAssembler(SPEC), data, part, TrainingListener.NONE)
                .run(false, Map.of());
        deleteTree(part.resolve("checkpoints/epoch-003"));
        Files.delete(part.resolve("model-last.params"));
        // ...then resuming it.
        RunReport resumed = new TrainingRun(config("patchmix-cl", 3, 11), new BatchAssembler(SPEC), data, part,
                TrainingListener.NONE).run(true, Map.of());
        assertEquals(3, resumed.epochs().size());
        for (int e = 0; e < 3; e++) {
            assertEquals(full.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(), 0.0,
                    "epoch " + (e + 1) + " loss");
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("model-last.params")),
                Files.readAllBytes(part.resolve("model-last.params")), "same weights after resuming");
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
