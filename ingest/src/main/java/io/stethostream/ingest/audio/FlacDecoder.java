package io.stethostream.ingest.audio;

import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * FLAC decoder over jflac, 8 to 24 bits, any channel count (averaged to mono).
 *
 * <p>jflac skips frames it cannot decode and stops quietly at a cut-off end, so both are checked here: a bad frame
 * or fewer samples than STREAMINFO announces is an error, never a silent partial read.
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
                        sum += data[c].getOutput()[i];
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
        return new AudioClip(n == out.length ? out : java.util.Arrays.copyOf(out, n), info.getSampleRate(), source);
    }
}
