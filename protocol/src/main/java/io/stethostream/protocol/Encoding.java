package io.stethostream.protocol;

/** Sample encodings an {@link AudioChunk} may carry on the wire (little-endian, mono). */
public enum Encoding {
    PCM_S16LE(1, 2),
    PCM_S24LE(2, 3),
    FLOAT32LE(3, 4);

    private final int code;
    private final int bytesPerSample;

    Encoding(int code, int bytesPerSample) {
        this.code = code;
        this.bytesPerSample = bytesPerSample;
    }

    public int code() {
        return code;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }

    /** The encoding with this wire code, or null. */
    public static Encoding ofCode(int code) {
        for (Encoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
