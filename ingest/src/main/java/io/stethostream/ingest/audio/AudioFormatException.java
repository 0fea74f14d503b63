package io.stethostream.ingest.audio;

import java.io.IOException;

/** Audio that cannot be decoded: truncated, empty, not audio, or in an unsupported encoding. Names the source. */
public class AudioFormatException extends IOException {

    private final String source;

    public AudioFormatException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
    }

    public AudioFormatException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
    }

    /** The file or stream that could not be decoded. */
    public String source() {
        return source;
    }
}
