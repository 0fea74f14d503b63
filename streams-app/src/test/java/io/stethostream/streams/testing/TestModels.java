package io.stethostream.streams.testing;

import io.stethostream.runtime.OnnxModel;
import io.stethostream.streams.models.ModelSlot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped model, opened once per test JVM (no mocks: the tests run the real ONNX graph). */
public final class TestModels {

    public static final String RELEASE = "test-release";
    private static ModelSlot shared;

    private TestModels() {
    }

    public static Path modelFile() {
        Path p = Path.of(System.getProperty("stethostream.model", "src/test/fixtures/ast-tiny-d4-8s-2026.11.26.onnx"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("shipped model not found at " + p.toAbsolutePath());
        }
        return p;
    }

    /** A fresh model the caller owns (close it, or the slot that holds it). */
    public static OnnxModel open() {
        try {
            return OnnxModel.open(modelFile(), new OnnxModel.Options(2, OnnxModel.Device.CPU));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One slot shared by the tests that never close it. */
    public static synchronized ModelSlot sharedSlot() {
        if (shared == null) {
            shared = new ModelSlot(open(), RELEASE);
        }
        return shared;
    }
}
