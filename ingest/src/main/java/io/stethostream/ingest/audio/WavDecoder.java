package io.stethostream.ingest.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RIFF/WAVE decoder: integer PCM of 8, 16, 24 or 32 bits and 32-bit float (also inside WAVE_FORMAT_EXTENSIBLE), any
 * channel count (averaged to mono). Chunks other than {@code fmt } and {@code data} are skipped.
 *
 * <p>The block-align field is not trusted: SPRSound's files declare 4 bytes per frame for mono 16-bit audio whose data
 * is packed at 2. The frame size is computed from channels and bits instead, and the data length must be a whole
 * number of such frames, otherwise the file is reported as truncated.
 */
final class WavDecoder {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavDecoder() {
    }

    static AudioClip decode(byte[] bytes, String source) throws AudioFormatException {
        if (bytes[0] != 'R' || bytes[1] != 'I' || bytes[2] != 'F' || bytes[3] != 'F') {
            throw new AudioFormatException(source, "unsupported RIFF variant " + new String(bytes, 0, 4,
                    java.nio.charset.StandardCharsets.US_ASCII) + " (only little-endian RIFF/WAVE)");
        }
        if (bytes.length < 12 || !fourCc(bytes, 8).equals("WAVE")) {
            throw new AudioFormatException(source, "RIFF file is not WAVE");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        Format fmt = null;
        while (pos + 8 <= bytes.length) {
            String id = fourCc(bytes, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + size > bytes.length) {
                    throw new AudioFormatException(source, "truncated fmt chunk");
                }
                fmt = Format.parse(b, body, (int) size, source);
            } else if (id.equals("data")) {
                if (fmt == null) {
                    throw new AudioFormatException(source, "data chunk before fmt chunk");
                }
                long available = bytes.length - body;
                // 0xFFFFFFFF is what streaming writers put when the length was unknown: take the rest of the file.
                long dataBytes = size == 0xFFFFFFFFL ? available - available % fmt.frameBytes() : size;
                if (dataBytes > available) {
                    throw new AudioFormatException(source, "truncated: data chunk declares " + dataBytes
                            + " bytes but only " + available + " follow");
                }
                if (dataBytes % fmt.frameBytes() != 0) {
                    throw new AudioFormatException(source, "truncated: data chunk of " + dataBytes
                            + " bytes is not a whole number of " + fmt.frameBytes() + "-byte frames");
                }
                if (dataBytes == 0) {
                    throw new AudioFormatException(source, "no audio samples (empty data chunk)");
                }
                return new AudioClip(fmt.toMono(b, body, (int) (dataBytes / fmt.frameBytes()), source),
                        fmt.sampleRate, source);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1)); // chunks are word-aligned
        }
        throw new AudioFormatException(source, fmt == null ? "no fmt chunk" : "no data chunk (truncated?)");
    }

    private static String fourCc(byte[] bytes, int pos) {
        return new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private record Format(boolean isFloat, int channels, int sampleRate, int bits) {

        static Format parse(ByteBuffer b, int at, int size, String source) throws AudioFormatException {
            int tag = b.getShort(at) & 0xFFFF;
            int channels = b.getShort(at + 2) & 0xFFFF;
            int rate = b.getInt(at + 4);
            int bits = b.getShort(at + 14) & 0xFFFF;
            if (tag == FORMAT_EXTENSIBLE) {
                if (size < 40) {
                    throw new AudioFormatException(source, "truncated WAVE_FORMAT_EXTENSIBLE fmt chunk");
                }
                tag = b.getShort(at + 24) & 0xFFFF; // first two bytes of the sub-format GUID hold the format tag
            }
            if (tag != FORMAT_PCM && tag != FORMAT_FLOAT) {
                throw new AudioFormatException(source, "unsupported WAV encoding (format tag " + tag
                        + "); supported: integer PCM and 32-bit float");
            }
            boolean isFloat = tag == FORMAT_FLOAT;
            if (isFloat ? bits != 32 : (bits != 8 && bits != 16 && bits != 24 && bits != 32)) {
                throw new AudioFormatException(source, "unsupported " + (isFloat ? "float" : "PCM") + " sample size "
                        + bits + " bits");
            }
            if (channels < 1) {
                throw new AudioFormatException(source, "fmt chunk declares " + channels + " channels");
            }
            if (rate <= 0) {
                throw new AudioFormatException(source, "fmt chunk declares sample rate " + rate);
            }
            return new Format(isFloat, channels, rate, bits);
        }

        int frameBytes() {
            return channels * bits / 8;
        }

        float[] toMono(ByteBuffer b, int at, int frames, String source) throws AudioFormatException {
            float[] out = new float[frames];
            int bps = bits / 8;
            double scale = 1.0 / channels;
            int p = at;
            for (int i = 0; i < frames; i++) {
                double sum = 0;
                for (int c = 0; c < channels; c++, p += bps) {
                    sum += sample(b, p);
                }
                if (!Double.isFinite(sum)) {
                    throw new AudioFormatException(source, "non-finite float sample in frame " + i);
                }
                out[i] = (float) (sum * scale);
            }
            return out;
        }

        private double sample(ByteBuffer b, int p) {
            if (isFloat) {
                float f = b.getFloat(p);
                return Float.isFinite(f) ? Math.max(-1f, Math.min(1f, f)) : f; // non-finite is rejected by the caller
            }
            return switch (bits) {
                case 8 -> ((b.get(p) & 0xFF) - 128) / 128.0;
                case 16 -> b.getShort(p) / 32768.0;
                case 24 -> (((b.get(p + 2)) << 16) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p) & 0xFF)) / 8388608.0;
                default -> b.getInt(p) / 2147483648.0;
            };
        }
    }
}
