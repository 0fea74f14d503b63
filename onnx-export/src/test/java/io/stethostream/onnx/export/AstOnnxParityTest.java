package io.stethostream.onnx.export;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported graph computes what DJL computes, in standard operators and with ONNX Runtime's fused attention: random
 * small ASTs, random inputs, batch 1 and 8.
 */
class AstOnnxParityTest {

    @TempDir
    Path tmp;

    /**
     * With {@code -Dstethostream.onnx.keep=DIR}, the exported files are copied there for
     * {@code src/test/python/check_model.py} (onnx.checker), which has no Java to export with.
     */
    private static void keepForChecker(Path file, String tag) throws java.io.IOException {
        String keep = System.getProperty("stethostream.onnx.keep");
        if (keep != null && !keep.isBlank()) {
            Path dir = java.nio.file.Files.createDirectories(Path.of(keep));
            java.nio.file.Files.copy(file, dir.resolve("parity-" + tag + ".onnx"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @ParameterizedTest(name = "{4}: D={0} depth={1} heads={2} stride={3} pool={5} stem={6} delta={7} stats={8}")
    @CsvSource({"32, 2, 2, 16, STANDARD, prefix, 0, false, none",
            "64, 1, 4, 10, STANDARD, prefix, 0, false, none", "32, 2, 2, 16, FUSED, prefix, 0, false, none",
            "48, 3, 3, 10, FUSED, prefix, 0, false, none", "64, 1, 4, 10, FUSED, prefix, 0, false, none",
            "32, 2, 2, 16, STANDARD, mean, 0, false, none", "48, 3, 3, 10, FUSED, mean, 0, false, none",
            "64, 1, 4, 10, FUSED, mean, 0, false, none", "32, 2, 2, 16, STANDARD, prefix, 4, false, none",
            "48, 2, 3, 16, FUSED, prefix, 8, false, none", "32, 1, 2, 10, FUSED, mean, 4, false, none",
            "32, 2, 2, 16, STANDARD, prefix, 0, true, none", "48, 2, 3, 16, FUSED, mean, 8, true, none",
            "32, 2, 2, 16, STANDARD, prefix, 0, false, all", "48, 2, 3, 16, FUSED, mean, 4, true, all",
            "32, 2, 2, 16, STANDARD, prefix, 0, false, change", "48, 2, 3, 10, FUSED, mean, 8, true, change"})
    void logitsAndEmbeddingMatchDjl(int dim, int depth, int heads, int stride, AstOnnxExporter.Operators operators,
                                    String pool, int stem, boolean delta, String stats) throws Exception {
        AstConfig cfg = TestModels.config(dim, depth, heads, stride).withPool(pool).withStem(stem).withDelta(delta)
                .withStats(!stats.equals("none"), stats.equals("change"));
        Path file = tmp.resolve("model.onnx");
        try (NDManager manager = NDManager.newBaseManager()) {
            AstModel model = TestModels.randomModel(manager, cfg, 7);
            AstOnnxExporter.export(model, TestModels.SPEC, TestModels.description(), true, operators, file);
            keepForChecker(file, operators.name().toLowerCase(java.util.Locale.ROOT) + "-D" + dim + "-s" + stride
                    + "-" + pool + (stem > 0 ? "-stem" + stem : "") + (delta ? "-delta" : "")
                    + (stats.equals("none") ? "" : "-stats-" + stats));
            assertOperators(file, operators, depth, cfg.meanPool());
            try (OnnxModel onnx = OnnxModel.open(file, new OnnxModel.Options(2, OnnxModel.Device.CPU))) {
                for (int b : new int[] {1, 8}) {
                    float[] x = TestModels.randomInput(b, cfg, 100 + b);
                    // The comparison means something only if the logits are not all near zero.
                    float[] logits = TestModels.djlForward(model, x, b)[0];
                    double spread = 0;
                    for (float v : logits) {
                        spread = Math.max(spread, Math.abs(v));
                    }
                    assertTrue(spread > 0.1, "logits too small to compare: " + spread);
                    ParityCheck.Result r = ParityCheck.compare(model, onnx, x, b);
                    System.out.printf("parity %s D=%d depth=%d stride=%d pool=%s stem=%d delta=%b stats=%b %s%n",
                            operators, dim, depth, stride, pool, stem, delta, stats, r);
                    assertTrue(r.maxAbsDiff() <= ParityCheck.TOLERANCE, r.toString());
                    assertEquals(b, r.argmaxAgreeing(), r.toString());
                    assertTrue(r.passed());

                    // Probabilities are the softmax of the logits; rows sum to 1.
                    Predictions p = onnx.predict(x, b);
                    for (int i = 0; i < b; i++) {
                        double sum = 0;
                        for (float v : p.probabilities()[i]) {
                            sum += v;
                        }
                        assertEquals(1.0, sum, 1e-5);
                    }
                }
            }
            // The embedding output is the pooled feature.
            float[] x = TestModels.randomInput(2, cfg, 5);
            float[] pooled = TestModels.djlForward(model, x, 2)[1];
            float[] embedding = EmbeddingProbe.embedding(file, x, 2, cfg);
            assertEquals(pooled.length, embedding.length);
            double max = 0;
            for (int i = 0; i < pooled.length; i++) {
                max = Math.max(max, Math.abs(pooled[i] - embedding[i]));
            }
            assertTrue(max <= 1e-4, "embedding max |diff| " + max);
            assertEquals(ModelMetadata.EMBEDDING, "embedding");
        }
    }

    /**
     * STANDARD uses the default operator set alone; FUSED declares com.microsoft and writes every block as one
     * Attention node, but the last when the head reads the prefix tokens (it computes only those, in standard
     * operators).
     */
    private static void assertOperators(Path file, AstOnnxExporter.Operators operators, int depth, boolean meanPool)
            throws Exception {
        ModelProto m = ModelProto.parseFrom(java.nio.file.Files.readAllBytes(file));
        List<String> domains = m.getOpsetImportList().stream().map(OperatorSetIdProto::getDomain).toList();
        long fused = m.getGraph().getNodeList().stream()
                .filter(n -> n.getDomain().equals("com.microsoft") && n.getOpType().equals("Attention")).count();
        long custom = m.getGraph().getNodeList().stream().filter(n -> !n.getDomain().isEmpty()).count();
        assertEquals("", domains.get(0));
        assertEquals(AstOnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        int fusedBlocks = operators == AstOnnxExporter.Operators.STANDARD ? 0 : meanPool ? depth : depth - 1;
        if (fusedBlocks == 0) {
            assertEquals(List.of(""), domains);
            assertEquals(0, custom);
        } else {
            assertEquals(List.of("", "com.microsoft"), domains);
            assertEquals(fusedBlocks, fused);
            assertEquals(fused, custom);
        }
    }
}
