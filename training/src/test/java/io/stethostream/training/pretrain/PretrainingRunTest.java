package io.stethostream.training.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masked-patch pretraining with real DJL on a tiny configuration. */
class PretrainingRunTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX.withWindowSeconds(2.0);
    private static final AstConfig MODEL = new AstConfig("custom", 32, 1, 2, 16, 128, SPEC.targetFrames(), 4);

    private static List<UnlabeledAudio.Recording> generatorAudio() {
        List<UnlabeledAudio.Recording> out = new ArrayList<>();
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        for (int i = 0; i < 6; i++) {
            var rec = RespiratorySoundGenerator.generate(new SynthParameters(kinds[i % 3], 6.0, 16_000, 20, 100 + i));
            out.add(new UnlabeledAudio.Recording("synth-" + i, rec.clip().samples()));
        }
        return out;
    }

    /** A finished three-step pretraining run in {@code dir}, for the fine-tuning tests. */
    private static void pretrainThreeSteps(Path dir) throws IOException {
        new PretrainingRun(config(3, 3), SPEC, generatorAudio(), dir, new PretrainingRun.Listener() {
        }).run(false);
    }

    private static PretrainConfig config(int steps, int checkpointEvery) {
        return new PretrainConfig(MODEL, 2.0, 0.75, 32, 1, 2, steps, 8, 2e-3, 1e-5, Math.min(5, steps - 1), 0.05, 1e-2, 3, 2,
                checkpointEvery, List.of("synthetic"));
    }

    @Test
    void theLossFallsOnGeneratorAudioAndTheRunWritesWhatTrainTakes(@TempDir Path dir) throws IOException {
        List<PretrainingRun.StepLoss> h = new PretrainingRun(config(60, 30), SPEC, generatorAudio(), dir,
                new PretrainingRun.Listener() {
                }).run(false);
        assertEquals(60, h.size());
        double first = h.subList(0, 10).stream().mapToDouble(PretrainingRun.StepLoss::loss).average().orElseThrow();
        double last = h.subList(50, 60).stream().mapToDouble(PretrainingRun.StepLoss::loss).average().orElseThrow();
        assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);
        for (String f : List.of(PretrainingRun.ENCODER_PARAMS, PretrainingRun.ENCODER_INFO, "loss-curve.png",
                "reconstructions.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertTrue(PretrainedEncoder.isPretrainingRun(dir));
        assertEquals(MODEL, PretrainingRun.readInfo(dir).model());
    }

    @Test
    void theEncoderNeverSeesAMaskedPatch() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(MODEL);
            model.initialize(m, DataType.FLOAT32, model.inputShape(2));
            ParameterStore ps = new ParameterStore(m, false);
            PatchMasking masking = PatchMasking.draw(2, MODEL.patches(), 0.75, new Random(4));
            int v = masking.visibleCount();
            NDArray select = m.create(masking.selectionMatrix(), new Shape(2, 2 + v, MODEL.patches() + 2));
            Random r = new Random(9);
            int per = MODEL.frames() * MODEL.melBins();
            float[] input = new float[2 * per];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) r.nextGaussian();
            }
            float[] base = model.encodeSelected(ps, m.create(input, model.inputShape(2)), select, false)
                    .toFloatArray();
            // rewrite every value of every masked patch (and the frames past the grid, which no patch reads)
            float[] changed = input.clone();
            boolean[] visibleCell = visibleCells(masking);
            for (int i = 0; i < changed.length; i++) {
                if (!visibleCell[i]) {
                    changed[i] += 5f * (float) r.nextGaussian();
                }
            }
            float[] after = model.encodeSelected(ps, m.create(changed, model.inputShape(2)), select, false)
                    .toFloatArray();
            assertArrayEquals(base, after, 1e-5f, "the encoder's output moved with a masked patch");
            // control: the same change to one visible patch does move it
            float[] control = input.clone();
            int p = masking.visible()[0][0];
            int f0 = (p / MODEL.gridTime()) * 16;
            int t0 = (p % MODEL.gridTime()) * 16;
            control[(t0 + 3) * MODEL.melBins() + f0 + 3] += 5f;
            float[] moved = model.encodeSelected(ps, m.create(control, model.inputShape(2)), select, false)
                    .toFloatArray();
            assertFalse(java.util.Arrays.equals(base, moved));
        }
    }

    /** (B, T, F) cells read by a visible patch (stride 16: each cell by at most one patch). */
    private static boolean[] visibleCells(PatchMasking masking) {
        int t = MODEL.frames();
        int f = MODEL.melBins();
        boolean[] cells = new boolean[masking.batch() * t * f];
        for (int b = 0; b < masking.batch(); b++) {
            for (int p : masking.visible()[b]) {
                int f0 = (p / MODEL.gridTime()) * 16;
                int t0 = (p % MODEL.gridTime()) * 16;
                for (int i = 0; i < 16; i++) {
                    for (int j = 0; j < 16; j++) {
                        cells[(b * t + t0 + j) * f + f0 + i] = true;
                    }
                }
            }
        }
        return cells;
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        List<PretrainingRun.StepLoss> uninterrupted = new PretrainingRun(config(6, 3), SPEC, generatorAudio(),
                whole, new PretrainingRun.Listener() {
                }).run(false);
        Path broken = dir.resolve("broken");
        PretrainingRun.Listener crashAtStep4 = new PretrainingRun.Listener() {
            @Override
            public void onStep(int step, int steps, double loss, double lr, double samplesPerSecond) {
                if (step == 4) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new PretrainingRun(config(6, 3), SPEC, generatorAudio(), broken, crashAtStep4).run(false));
        assertFalse(Files.exists(broken.resolve(PretrainingRun.ENCODER_PARAMS)));
        List<PretrainingRun.StepLoss> resumed = new PretrainingRun(config(6, 3), SPEC, generatorAudio(), broken,
                new PretrainingRun.Listener() {
                }).run(true);
        assertEquals(6, resumed.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(uninterrupted.get(i).loss(), resumed.get(i).loss(), 1e-6, "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve(PretrainingRun.ENCODER_PARAMS)),
                Files.readAllBytes(broken.resolve(PretrainingRun.ENCODER_PARAMS)));
    }

    @Test
    void fineTuningLoadsTheEncoderKeepsAFreshHeadAndRefusesAMismatch(@TempDir Path dir) throws IOException {
        pretrainThreeSteps(dir);
        Engine.getInstance().setRandomSeed(12345);
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel file = new AstModel(MODEL);
            file.initialize(m, DataType.FLOAT32, file.inputShape(1));
            Checkpoints.loadParams(file, m, dir.resolve(PretrainingRun.ENCODER_PARAMS));
            AstModel model = new AstModel(MODEL);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            Map<String, float[]> fresh = new HashMap<>();
            model.getParameters().forEach(p -> fresh.put(p.getKey(), p.getValue().getArray().toFloatArray()));
            int copied = PretrainedEncoder.load(model, m, dir.resolve(PretrainingRun.ENCODER_PARAMS), false);
            assertTrue(copied > 5);
            int heads = 0;
            for (var p : model.getParameters()) {
                float[] now = p.getValue().getArray().toFloatArray();
                float[] inFile = file.getParameters().get(p.getKey()).getArray().toFloatArray();
                if (AstModel.isEncoderParameter(p.getKey())) {
                    assertArrayEquals(inFile, now, p.getKey());
                } else {
                    heads++;
                    assertArrayEquals(fresh.get(p.getKey()), now, p.getKey() + " must start fresh");
                }
            }
            assertTrue(heads >= 4, "head and projector parameters found: " + heads);
        }
        PretrainingRun.EncoderInfo info = PretrainingRun.readInfo(dir);
        PretrainedEncoder.checkFits(info, MODEL, SPEC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedEncoder.checkFits(info, MODEL.withDepth(2), SPEC));
        assertTrue(e.getMessage().contains("depth is 1 in the encoder, 2 here"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedEncoder.checkFits(info, MODEL.withStem(8), SPEC));
        assertTrue(e.getMessage().contains("convolutional stem channels is 0 in the encoder, 8 here"), e.getMessage());
        FeatureSpec longer = FeatureSpec.PATCH_MIX.withWindowSeconds(4.0);
        AstConfig longerModel = new AstConfig("custom", 32, 1, 2, 16, 128, longer.targetFrames(), 4);
        e = assertThrows(IllegalArgumentException.class, () -> PretrainedEncoder.checkFits(info, longerModel, longer));
        assertTrue(e.getMessage().contains("frames (window length) is 198"), e.getMessage());
        PretrainedEncoder.checkFits(info, MODEL.withDelta(true), SPEC); // widened on load, see below
        PretrainingRun.EncoderInfo deltaInfo = new PretrainingRun.EncoderInfo(info.model().withDelta(true),
                info.featureSpec(), info.steps(), info.finalLoss(), info.pretraining());
        e = assertThrows(IllegalArgumentException.class, () -> PretrainedEncoder.checkFits(deltaInfo, MODEL, SPEC));
        assertTrue(e.getMessage().contains("frame-difference channels (--delta) are in the encoder"), e.getMessage());
    }

    @Test
    void anEncoderWithoutDeltaChannelsStartsADeltaOrStatisticsModelAsItself(@TempDir Path dir) throws Exception {
        pretrainThreeSteps(dir);
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            Path params = dir.resolve(PretrainingRun.ENCODER_PARAMS);
            AstModel plain = new AstModel(MODEL);
            plain.initialize(m, DataType.FLOAT32, plain.inputShape(1));
            PretrainedEncoder.load(plain, m, params, false);
            AstModel widened = new AstModel(MODEL.withDelta(true));
            widened.initialize(m, DataType.FLOAT32, widened.inputShape(1));
            PretrainedEncoder.load(widened, m, params, false);
            String patchEmbed = widened.getParameters().keys().stream().filter(n -> n.endsWith("patch_embed_weight"))
                    .findFirst().orElseThrow();
            NDArray w = widened.getParameters().get(patchEmbed).getArray();
            assertArrayEquals(plain.getParameters().get(patchEmbed).getArray().toFloatArray(),
                    w.get(":, 0:1").toFloatArray(), "the log-mel channel keeps the pretrained weights");
            assertEquals(0f, w.get(":, 1:3").abs().max().getFloat(), "the difference channels start at zero");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(plain.inputShape(2));
            assertArrayEquals(plain.features(ps, x, null, false).toFloatArray(),
                    widened.features(ps, x, null, false).toFloatArray(), 1e-5f, "same encoder function at start");
            // a head that also reads the window statistics starts fresh too: the encoder loads all the same
            AstModel withStats = new AstModel(MODEL.withStats(true));
            withStats.initialize(m, DataType.FLOAT32, withStats.inputShape(1));
            PretrainedEncoder.load(withStats, m, params, false);
            assertArrayEquals(plain.features(ps, x, null, false).toFloatArray(),
                    withStats.features(ps, x, null, false).toFloatArray(), 1e-5f);
        }
    }
}
