package io.stethostream.ingest.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Entry point for reading audio files: chooses the decoder from the file's first bytes, not its name. */
public final class AudioFiles {

    private AudioFiles() {
    }

    /**
     * Decodes a WAV or FLAC file to mono float samples in [-1, 1] at the file's own rate.
     *
     * @throws AudioFormatException naming the file when it is empty, truncated, not audio or in an unsupported encoding
     * @throws NoSuchFileException  when the file does not exist
     */
    public static AudioClip read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        byte[] bytes = Files.readAllBytes(path);
        return decode(bytes, path.toString());
    }

    /** Decodes a whole file held in memory; {@code source} names it in errors. */
    public static AudioClip decode(byte[] bytes, String source) throws AudioFormatException {
        if (bytes.length == 0) {
            throw new AudioFormatException(source, "file is empty");
        }
        if (startsWith(bytes, "RIFF") || startsWith(bytes, "RIFX") || startsWith(bytes, "RF64")) {
            return WavDecoder.decode(bytes, source);
        }
        if (startsWith(bytes, "fLaC") || startsWith(bytes, "ID3")) {
            return FlacDecoder.decode(bytes, source);
        }
        throw new AudioFormatException(source, "not a WAV or FLAC file (first bytes: " + preview(bytes) + ")");
    }

    private static boolean startsWith(byte[] bytes, String magic) {
        if (bytes.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (bytes[i] != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String preview(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
