package io.stethostream.onnx.export;

import java.io.IOException;

/** A checkpoint the exporter refuses to convert; the message says why. No output file is left behind. */
public final class UnconvertibleCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnconvertibleCheckpointException(String message) {
        super(message);
    }

    public UnconvertibleCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
