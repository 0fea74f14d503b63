package io.stethostream.ingest.audio;

import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * FLAC decoder over jflac, 8 to 24 bits, any channel count (averaged to mono).
 *
 * <p>jflac skips frames it cannot decode, stops quietly at a cut-off end and does not check frame checksums, so this
 * class checks instead: a bad frame, fewer samples than STREAMINFO announces, or decoded samples whose MD5 differs
 * from the signature in STREAMINFO is an error, never a silent partial or corrupt read.
 */
final class FlacDecoder {

    private FlacDecoder() {
    }

    static AudioClip decode(byte[] bytes, String source) throws AudioFormatException {
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
        StreamInfo info;
        try {
            decoder.readMetadata();
            info = decoder.getStreamInfo();
        } catch (IOException | RuntimeException e) {
            throw new AudioFormatException(source, "unreadable FLAC metadata: " + e, e);
        }
        if (info == null) {
            throw new AudioFormatException(source, "FLAC stream has no STREAMINFO block");
        }
        int channels = info.getChannels();
        int bits = info.getBitsPerSample();
        if (bits < 4 || bits > 24) {
            throw new AudioFormatException(source, "unsupported FLAC sample size " + bits + " bits");
        }
        long declared = info.getTotalSamples(); // 0 means "unknown" in FLAC
        if (declared > Integer.MAX_VALUE) {
            throw new AudioFormatException(source, "FLAC stream too long: " + declared + " samples");
        }
        float[] out = new float[declared > 0 ? (int) declared : 1 << 16];
        int n = 0;
        double scale = 1.0 / ((1L << (bits - 1)) * (double) channels);
        byte[] signature = streamInfoMd5(bytes);
        Md5OfSamples md5 = signature == null ? null : new Md5OfSamples((bits + 7) / 8);
        try {
            Frame frame;
            while ((frame = decoder.readNextFrame()) != null) {
                int block = frame.header.blockSize;
                if (n + block > out.length) {
                    if (declared > 0) {
                        throw new AudioFormatException(source, "FLAC stream holds more samples than the "
                                + declared + " its header declares");
                    }
                    out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + block));
                }
                var data = decoder.getChannelData();
                for (int i = 0; i < block; i++) {
                    long sum = 0;
                    for (int c = 0; c < channels; c++) {
                        int v = data[c].getOutput()[i];
                        sum += v;
                        if (md5 != null) {
                            md5.add(v);
                        }
                    }
                    out[n + i] = (float) (sum * scale);
                }
                n += block;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof AudioFormatException afe) {
                throw afe;
            }
            throw new AudioFormatException(source, "corrupt FLAC stream after " + n + " samples: " + e, e);
        }
        if (decoder.getBadFrames() > 0) {
            throw new AudioFormatException(source, decoder.getBadFrames() + " corrupt FLAC frame(s)");
        }
        if (declared > 0 && n != declared) {
            throw new AudioFormatException(source, "truncated: FLAC header declares " + declared
                    + " samples but only " + n + " could be decoded");
        }
        if (n == 0) {
            throw new AudioFormatException(source, "no audio samples in FLAC stream");
        }
        if (md5 != null && !java.util.Arrays.equals(md5.digest(), signature)) {
            throw new AudioFormatException(source, "corrupt: decoded samples do not match the stream's MD5 signature");
        }
        return new AudioClip(n == out.length ? out : java.util.Arrays.copyOf(out, n), info.getSampleRate(), source);
    }

    /** The MD5 signature of STREAMINFO, or null when the encoder left it unset (all zero) or the layout is unusual. */
    private static byte[] streamInfoMd5(byte[] bytes) {
        // "fLaC", then a 4-byte block header whose type must be STREAMINFO (0), then 34 bytes ending in the MD5.
        if (bytes.length < 42 || bytes[0] != 'f' || (bytes[4] & 0x7F) != 0) {
            return null;
        }
        byte[] md5 = java.util.Arrays.copyOfRange(bytes, 8 + 18, 8 + 34);
        for (byte b : md5) {
            if (b != 0) {
                return md5;
            }
        }
        return null;
    }

    /** MD5 over samples as FLAC defines it: interleaved, little-endian, signed, whole bytes per sample. */
    private static final class Md5OfSamples {
        private final java.security.MessageDigest digest;
        private final int bytesPerSample;
        private final byte[] buf = new byte[4096];
        private int len;

        Md5OfSamples(int bytesPerSample) {
            try {
                this.digest = java.security.MessageDigest.getInstance("MD5");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.bytesPerSample = bytesPerSample;
        }

        void add(int v) {
            if (len + bytesPerSample > buf.length) {
                digest.update(buf, 0, len);
                len = 0;
            }
            for (int i = 0; i < bytesPerSample; i++) {
                buf[len++] = (byte) (v >> (8 * i));
            }
        }

        byte[] digest() {
            digest.update(buf, 0, len);
            return digest.digest();
        }
    }
}
