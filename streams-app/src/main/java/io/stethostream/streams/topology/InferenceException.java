package io.stethostream.streams.topology;

/** The model failed on a batch: not the input's fault, so the task fails (and, with exactly-once, nothing is lost). */
final class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
