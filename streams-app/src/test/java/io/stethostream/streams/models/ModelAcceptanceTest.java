package io.stethostream.streams.models;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract check on real model files: the windowing must match, each model's own normalisation may differ. */
class ModelAcceptanceTest {

    private static OnnxModel withSpec(Path dir, String name, FeatureSpec spec) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, OnnxEdits.withMetadata(OnnxEdits.shipped(), ModelMetadata.FEATURE_SPEC, spec.toJson()));
        return OnnxModel.open(file, new OnnxModel.Options(1, OnnxModel.Device.CPU));
    }

    @Test
    void anotherNormalisationIsAcceptedAnotherWindowingIsNot(@TempDir Path dir) throws IOException {
        FeatureSpec contract = FeatureSpec.fromJson(OnnxEdits.metadata(OnnxEdits.shipped(),
                ModelMetadata.FEATURE_SPEC));
        List<String> labels = List.of("normal", "crackle", "wheeze", "both");
        try (OnnxModel renormalised = withSpec(dir, "renormalised.onnx", contract.withNormalisation(-14.9, 2.24));
             OnnxModel otherHop = withSpec(dir, "hop.onnx", contract.withHopSeconds(1.0).withNormalisation(-14.9,
                     2.24))) {
            assertDoesNotThrow(() -> ModelAcceptance.check(renormalised, contract, labels));
            ModelRefusedException e = assertThrows(ModelRefusedException.class,
                    () -> ModelAcceptance.check(otherHop, contract, labels));
            assertTrue(e.getMessage().contains("incompatible feature spec"), e.getMessage());
        }
    }
}
