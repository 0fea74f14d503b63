package io.stethostream.ingest.audio;

import io.stethostream.ingest.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Writes RIFF/WAVE files: integer PCM of 8, 16, 24 or 32 bits, or 32-bit float, with one or more channels. */
public final class WavWriter {

    /** Sample encodings the writer (and {@link WavDecoder}) support. */
    public enum Encoding {
        PCM_8(8, 1), PCM_16(16, 1), PCM_24(24, 1), PCM_32(32, 1), FLOAT_32(32, 3);

        final int bits;
        final int formatTag;

        Encoding(int bits, int formatTag) {
            this.bits = bits;
            this.formatTag = formatTag;
        }

        public int bytesPerSample() {
            return bits / 8;
        }
    }

    private WavWriter() {
    }

    /** Writes a mono clip as 16-bit PCM, atomically (a temporary file renamed into place). */
    public static void write(Path path, AudioClip clip) throws IOException {
        write(path, new float[][] {clip.samples()}, clip.sampleRate(), Encoding.PCM_16);
    }

    /** Writes channels (each the same length, samples in [-1, 1], clipped) atomically. */
    public static void write(Path path, float[][] channels, int sampleRate, Encoding encoding) throws IOException {
        AtomicFiles.write(path, encode(channels, sampleRate, encoding));
    }

    /** The complete file as bytes. */
    public static byte[] encode(float[][] channels, int sampleRate, Encoding encoding) {
        int nch = channels.length;
        int frames = channels[0].length;
        for (float[] c : channels) {
            if (c.length != frames) {
                throw new IllegalArgumentException("channels differ in length");
            }
        }
        int bps = encoding.bytesPerSample();
        int dataBytes = frames * nch * bps;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes + (dataBytes & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + dataBytes + (dataBytes & 1)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) encoding.formatTag).putShort((short) nch)
                .putInt(sampleRate).putInt(sampleRate * nch * bps).putShort((short) (nch * bps))
                .putShort((short) encoding.bits);
        b.put(ascii("data")).putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            for (float[] c : channels) {
                double x = Math.max(-1.0, Math.min(1.0, c[i]));
                switch (encoding) {
                    case PCM_8 -> b.put((byte) (Math.round(x * 127.0) + 128));
                    case PCM_16 -> b.putShort((short) Math.round(x * 32767.0));
                    case PCM_24 -> {
                        int v = (int) Math.round(x * 8388607.0);
                        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
                    }
                    case PCM_32 -> b.putInt((int) Math.round(x * 2147483647.0));
                    case FLOAT_32 -> b.putFloat((float) x);
                }
            }
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
