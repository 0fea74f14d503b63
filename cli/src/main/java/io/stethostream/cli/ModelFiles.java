package io.stethostream.cli;

import io.stethostream.runtime.OnnxModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening a user-named model file: a missing or invalid file is the user's error (exit code 3), not a crash. */
final class ModelFiles {

    private ModelFiles() {
    }

    static OnnxModel open(Path file, int threads) {
        if (threads < 0) {
            throw new InvalidInputException("--threads must be >= 0, got " + threads);
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("no model file at " + file.toAbsolutePath());
        }
        try {
            return OnnxModel.open(file, new OnnxModel.Options(threads, OnnxModel.Device.AUTO));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot serve " + file + ": " + e.getMessage(), e);
        }
    }
}
