package io.stethostream.protocol;

/** An audio record that cannot be decoded; {@link #reason()} is what goes into the dead-letter header. */
public final class ChunkFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a chunk was refused. Stable names: consumers of the dead-letter topic match on them. */
    public enum Reason {
        EMPTY, TRUNCATED, TRAILING_BYTES, UNSUPPORTED_VERSION, UNSUPPORTED_ENCODING, UNSUPPORTED_RATE,
        UNSUPPORTED_CHANNELS, TOO_LARGE, NOT_FINITE, BAD_DEVICE_ID, KEY_MISMATCH
    }

    private final Reason reason;

    public ChunkFormatException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
