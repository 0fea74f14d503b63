package io.stethostream.onnx.export;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exporting a training run folder: the metadata it carries, and the runs it refuses without leaving a file. */
class RunExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AstConfig CFG = TestModels.config(32, 1, 2, 16);

    @TempDir
    Path tmp;

    /** A run folder as TrainCommand leaves it, with weights of {@code weightsCfg}. */
    private Path run(AstConfig configured, AstConfig weightsCfg, boolean withMetrics) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve(RunCheckpoint.CONFIG),
                JSON.writeValueAsString(TestModels.trainConfig(configured)));
        Files.writeString(dir.resolve(RunCheckpoint.FEATURE_SPEC), TestModels.SPEC.toJson());
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = TestModels.randomModel(m, weightsCfg, 3);
            Checkpoints.writeParams(model, dir.resolve(RunCheckpoint.LAST));
        }
        if (withMetrics) {
            Files.writeString(dir.resolve(RunCheckpoint.METRICS), "{\"run\": {}, \"honestProtocol\": {\"epoch\": 2}}");
        }
        return dir;
    }

    @Test
    void metadataRoundTripsThroughOnnxRuntime() throws Exception {
        Path dir = run(CFG, CFG, true);
        Path out = tmp.resolve("out/model.onnx");
        AstOnnxExporter.Result r = AstOnnxExporter.exportRun(dir, null, out, null, "1.2.3", false);
        assertEquals(Files.size(out), r.bytes());

        try (OnnxModel model = OnnxModel.open(out, new OnnxModel.Options(1, OnnxModel.Device.CPU))) {
            ModelMetadata meta = model.metadata();
            assertEquals(r.metadata(), meta);
            assertEquals(TestModels.SPEC, meta.featureSpec());
            assertEquals(List.of("normal", "crackle", "wheeze", "both"), meta.labels());
            assertEquals("stethostream-ast-custom", meta.modelName());
            assertEquals("1.2.3", meta.modelVersion());
            assertTrue(meta.trainingData().contains("icbhi"), meta.trainingData());
            assertTrue(meta.trainingMethod().startsWith("ce "), meta.trainingMethod());
            assertEquals(CFG, JSON.readValue(meta.modelConfigJson(), AstConfig.class));
            assertEquals(TestModels.trainConfig(CFG), JSON.readValue(meta.trainingConfigJson(), TrainConfig.class));
            assertEquals(2, JSON.readTree(meta.metricsJson()).path("honestProtocol").path("epoch").asInt());
            assertTrue(meta.weightsSha256().matches("[0-9a-f]{64}"));
            String paramsSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve(RunCheckpoint.LAST))));
            assertEquals(paramsSha, meta.sourceSha256());
            assertEquals("CPU", model.device());
            assertEquals(CFG.frames() * 128, model.windowSize());
        }
        // Same weights, same hash; the embedding output is optional.
        Path again = tmp.resolve("again.onnx");
        AstOnnxExporter.Result r2 = AstOnnxExporter.exportRun(dir, null, again, "n", "v", true);
        assertTrue(r2.bytes() > 0);
    }

    @Test
    void theWeightsHashDependsOnTheWeights() throws Exception {
        Path a = tmp.resolve("a.onnx");
        Path b = tmp.resolve("b.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = TestModels.randomModel(m, CFG, 1);
            String ha = AstOnnxExporter.export(model, TestModels.SPEC,
                    TestModels.description(), false, a).metadata().weightsSha256();
            String ha2 = AstOnnxExporter.export(model, TestModels.SPEC,
                    TestModels.description(), false, b).metadata().weightsSha256();
            String hb = AstOnnxExporter.export(TestModels.randomModel(m, CFG, 2), TestModels.SPEC,
                    TestModels.description(), false, b).metadata().weightsSha256();
            assertEquals(ha, ha2);
            assertFalse(ha.equals(hb));
        }
    }

    @Test
    void weightsOfAnotherSizeAreRefused() throws Exception {
        // DJL itself loads tensors of another shape without complaint; Checkpoints.loadParams compares the shapes.
        Path dir = run(CFG, TestModels.config(64, 1, 2, 16), false);
        assertRefused(dir, null, "cls_token has shape (1, 1, 64), the model needs (1, 1, 32)");
    }

    @Test
    void weightsOfAnotherDepthAreRefused() throws Exception {
        Path dir = run(CFG, TestModels.config(32, 2, 2, 16), false);
        assertRefused(dir, null, "cannot be loaded");
    }

    @Test
    void weightsTheGraphWouldNotUseAreRefused() throws Exception {
        // a model part the exporter does not know (here: the window-statistics head, with a configuration that says
        // there is none) must not be dropped silently
        try (NDManager m = NDManager.newBaseManager()) {
            AstWeights withStats = AstWeights.of(TestModels.randomModel(m, CFG.withStats(true), 1));
            UnconvertibleCheckpointException e = assertThrows(UnconvertibleCheckpointException.class,
                    () -> withStats.check(CFG));
            assertTrue(e.getMessage().contains("head_stats_weight is not used by the graph"), e.getMessage());
            withStats.check(CFG.withStats(true));
            AstWeights.of(TestModels.randomModel(m, CFG, 1)).check(CFG); // the projector is training-only
        }
    }

    @Test
    void missingFilesAreRefused() throws Exception {
        Path dir = run(CFG, CFG, false);
        assertRefused(dir, dir.resolve("nope.params"), "nope.params is missing");
        Files.delete(dir.resolve(RunCheckpoint.LAST));
        assertRefused(dir, null, "no weights");
        Files.delete(dir.resolve(RunCheckpoint.FEATURE_SPEC));
        assertRefused(dir, null, "feature-spec.json is missing");
        Files.delete(dir.resolve(RunCheckpoint.CONFIG));
        assertRefused(dir, null, "config.json is missing");
        assertRefused(tmp.resolve("no-such-run"), null, "no training run folder");
    }

    @Test
    void anUnknownPresetIsRefused() throws Exception {
        AstConfig huge = new AstConfig("huge", 32, 1, 2, 16, 128, CFG.frames(), 4);
        assertRefused(run(huge, CFG, false), null, "unknown model preset 'huge'");
    }

    @Test
    void aPresetWhoseSizeDisagreesIsRefused() throws Exception {
        AstConfig fakeTiny = new AstConfig("tiny", 32, 1, 2, 16, 128, CFG.frames(), 4);
        assertRefused(run(fakeTiny, CFG, false), null, "preset 'tiny' is D=192");
    }

    @Test
    void aFeatureSpecForOtherFramesIsRefused() throws Exception {
        Path dir = run(CFG, CFG, false);
        Files.writeString(dir.resolve(RunCheckpoint.FEATURE_SPEC), FeatureSpec.PATCH_MIX.toJson()); // 798 frames
        assertRefused(dir, null, "798 frames");
    }

    @Test
    void garbageWeightsAreRefused() throws Exception {
        Path dir = run(CFG, CFG, false);
        Files.write(dir.resolve(RunCheckpoint.LAST), new byte[] {1, 2, 3, 4, 5});
        assertRefused(dir, null, "cannot be loaded");
    }

    @Test
    void aRefusalLeavesAnExistingFileAlone() throws Exception {
        Path dir = run(CFG, TestModels.config(64, 1, 2, 16), false);
        Path out = tmp.resolve("out/model.onnx");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "previous");
        assertThrows(UnconvertibleCheckpointException.class,
                () -> AstOnnxExporter.exportRun(dir, null, out, null, null, false));
        assertEquals("previous", Files.readString(out));
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(out), s.toList());
        }
    }

    private void assertRefused(Path dir, Path params, String messagePart) throws IOException {
        Path outDir = tmp.resolve("refused");
        Path out = outDir.resolve("model.onnx");
        UnconvertibleCheckpointException e = assertThrows(UnconvertibleCheckpointException.class,
                () -> AstOnnxExporter.exportRun(dir, params, out, null, null, false));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(Files.exists(out));
        if (Files.isDirectory(outDir)) {
            try (Stream<Path> s = Files.list(outDir)) {
                assertNull(s.findAny().orElse(null), "left a file behind");
            }
        }
    }
}
