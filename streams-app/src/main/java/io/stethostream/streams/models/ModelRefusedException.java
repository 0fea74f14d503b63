package io.stethostream.streams.models;

/** A release an instance will not serve; the message is the reason logged and published in its {@link ModelStatus}. */
public final class ModelRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public ModelRefusedException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public ModelRefusedException(String reason) {
        super(reason);
    }
}
