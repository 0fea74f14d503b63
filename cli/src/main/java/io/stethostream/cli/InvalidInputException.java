package io.stethostream.cli;

/** A command's input is unusable (a bad option combination, a malformed dataset folder); exit code BAD_INPUT. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
