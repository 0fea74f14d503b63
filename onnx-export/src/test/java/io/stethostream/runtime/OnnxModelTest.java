package io.stethostream.runtime;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.onnx.export.AstOnnxExporter;
import io.stethostream.onnx.export.TestModels;
import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening, validating and sharing an exported model. */
class OnnxModelTest {

    private static final AstConfig CFG = TestModels.config(32, 1, 2, 16);
    private static final OnnxModel.Options CPU = new OnnxModel.Options(1, OnnxModel.Device.CPU);

    @TempDir
    static Path tmp;
    static Path file;

    @BeforeAll
    static void export() throws IOException {
        file = tmp.resolve("model.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            AstOnnxExporter.export(TestModels.randomModel(m, CFG, 11), TestModels.SPEC, TestModels.description(),
                    false, file);
        }
    }

    @Test
    void sharedBetweenThreadsEveryCallGetsItsOwnAnswer() throws Exception {
        float[] x1 = TestModels.randomInput(1, CFG, 1);
        float[] x4 = TestModels.randomInput(4, CFG, 4);
        try (OnnxModel model = OnnxModel.open(file, new OnnxModel.Options(2, OnnxModel.Device.AUTO))) {
            assertEquals("CPU", model.device()); // the CPU artifact is on the test classpath
            Predictions want1 = model.predict(x1, 1);
            Predictions want4 = model.predict(x4, 4);
            assertEquals(4, want4.batch());
            assertEquals(model.metadata().labels().get(want4.argmax(0)), want4.label(0));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    boolean one = i % 2 == 0;
                    results.add(pool.submit(() -> {
                        Predictions got = one ? model.predict(x1, 1) : model.predict(x4, 4);
                        Predictions want = one ? want1 : want4;
                        for (int s = 0; s < got.batch(); s++) {
                            assertArrayEquals(want.logits()[s], got.logits()[s], 0f);
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void wrongInputSizesAndUseAfterCloseFail() throws Exception {
        OnnxModel model = OnnxModel.open(file, CPU);
        assertThrows(IllegalArgumentException.class, () -> model.predict(new float[10], 1));
        assertThrows(IllegalArgumentException.class, () -> model.predict(new float[model.windowSize()], 2));
        assertThrows(IllegalArgumentException.class, () -> model.predict(new float[0], 0));
        model.close();
        model.close();
        assertThrows(IllegalStateException.class, () -> model.predict(new float[model.windowSize()], 1));
    }

    @Test
    void aFileWithoutStethostreamMetadataIsRefused() throws Exception {
        Path bare = rewrite("bare.onnx", m -> m.clearMetadataProps());
        IOException e = assertThrows(IOException.class, () -> OnnxModel.open(bare, CPU));
        assertTrue(e.getMessage().contains("not a Stethostream model"), e.getMessage());
    }

    @Test
    void aFeatureSpecThatDisagreesWithTheInputShapeIsRefused() throws Exception {
        Path other = rewrite("other-spec.onnx", m -> replace(m, ModelMetadata.FEATURE_SPEC,
                FeatureSpec.PATCH_MIX.toJson()));
        IOException e = assertThrows(IOException.class, () -> OnnxModel.open(other, CPU));
        assertTrue(e.getMessage().contains("does not match the feature spec"), e.getMessage());
    }

    @Test
    void brokenMetadataIsRefusedWithTheKeyNamed() throws Exception {
        Path badSpec = rewrite("bad-spec.onnx", m -> replace(m, ModelMetadata.FEATURE_SPEC, "{\"version\": 1}"));
        IOException e = assertThrows(IOException.class, () -> OnnxModel.open(badSpec, CPU));
        assertTrue(e.getMessage().contains("feature spec"), e.getMessage());

        Path badLabels = rewrite("bad-labels.onnx", m -> replace(m, ModelMetadata.LABELS, "[\"a\", \"b\"]"));
        e = assertThrows(IOException.class, () -> OnnxModel.open(badLabels, CPU));
        assertTrue(e.getMessage().contains("for 2 labels"), e.getMessage());

        Path noSha = rewrite("no-sha.onnx", m -> replace(m, ModelMetadata.WEIGHTS_SHA256, ""));
        e = assertThrows(IOException.class, () -> OnnxModel.open(noSha, CPU));
        assertTrue(e.getMessage().contains(ModelMetadata.WEIGHTS_SHA256), e.getMessage());
    }

    @Test
    void notAModelFileIsRefused() throws Exception {
        Path junk = tmp.resolve("junk.onnx");
        Files.writeString(junk, "not a model");
        assertThrows(IOException.class, () -> OnnxModel.open(junk, CPU));
        assertThrows(IOException.class, () -> OnnxModel.open(tmp.resolve("absent.onnx"), CPU));
    }

    private static Path rewrite(String name, java.util.function.Consumer<ModelProto.Builder> edit) throws IOException {
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(file)).toBuilder();
        edit.accept(b);
        Path out = tmp.resolve(name);
        Files.write(out, b.build().toByteArray());
        return out;
    }

    private static void replace(ModelProto.Builder m, String key, String value) {
        List<StringStringEntryProto> props = new ArrayList<>(m.getMetadataPropsList());
        m.clearMetadataProps();
        for (StringStringEntryProto p : props) {
            m.addMetadataProps(p.getKey().equals(key) ? p.toBuilder().setValue(value).build() : p);
        }
    }
}
