package io.stethostream.protocol;

import io.stethostream.protocol.ChunkFormatException.Reason;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AudioChunkCodecTest {

    private static AudioChunk chunk(Encoding enc, int rate, float[] s) {
        return new AudioChunk("bed-7", 42, 1_764_000_000_000_000L, rate, enc, s, Map.of("patient", "p-1"));
    }

    private static float[] ramp(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (i - n / 2f) / n;
        }
        return s;
    }

    @Test
    void everyEncodingRoundTripsWithinItsQuantisation() throws Exception {
        float[] s = ramp(4000);
        for (Encoding enc : Encoding.values()) {
            AudioChunk back = AudioChunkCodec.decode(AudioChunkCodec.encode(chunk(enc, 16_000, s)));
            assertEquals("bed-7", back.deviceId());
            assertEquals(42, back.sequence());
            assertEquals(1_764_000_000_000_000L, back.captureTimeMicros());
            assertEquals(16_000, back.sampleRate());
            assertEquals(enc, back.encoding());
            assertEquals("p-1", back.attribute("patient"));
            assertEquals(250_000, back.durationMicros());
            double tol = switch (enc) {
                case PCM_S16LE -> 1.0 / 32767;
                case PCM_S24LE -> 1.0 / 8_388_607;
                case FLOAT32LE -> 0;
            };
            for (int i = 0; i < s.length; i++) {
                assertEquals(s[i], back.samples()[i], tol, enc + " sample " + i);
            }
        }
    }

    @Test
    void malformedRecordsNameTheirReason() {
        byte[] good = AudioChunkCodec.encode(chunk(Encoding.PCM_S16LE, 8000, ramp(100)));
        assertReason(Reason.EMPTY, new byte[0]);
        assertReason(Reason.TRUNCATED, Arrays.copyOf(good, good.length - 1));
        assertReason(Reason.TRUNCATED, Arrays.copyOf(good, 10));
        assertReason(Reason.TRAILING_BYTES, Arrays.copyOf(good, good.length + 2));
        byte[] v2 = good.clone();
        v2[0] = 2;
        assertReason(Reason.UNSUPPORTED_VERSION, v2);
        byte[] enc = good.clone();
        enc[1] = 9;
        assertReason(Reason.UNSUPPORTED_ENCODING, enc);
        byte[] stereo = good.clone();
        stereo[2] = 2;
        assertReason(Reason.UNSUPPORTED_CHANNELS, stereo);
        // The rate sits after version, encoding, channels, id length + id, sequence and capture time.
        byte[] rate = good.clone();
        ByteBuffer.wrap(rate).putInt(3 + 2 + 5 + 8 + 8, 96_000);
        assertReason(Reason.UNSUPPORTED_RATE, rate);
        float[] nan = ramp(10);
        nan[3] = Float.NaN;
        assertReason(Reason.NOT_FINITE, AudioChunkCodec.encode(chunk(Encoding.FLOAT32LE, 8000, nan)));
        assertReason(Reason.TOO_LARGE, AudioChunkCodec.encode(chunk(Encoding.PCM_S16LE, 4000, new float[40_001])));
    }

    @Test
    void encoderRefusesWhatTheDecoderWouldRefuse() {
        assertThrows(IllegalArgumentException.class,
                () -> AudioChunkCodec.encode(chunk(Encoding.PCM_S16LE, 3000, ramp(10))));
        assertThrows(IllegalArgumentException.class, () -> AudioChunkCodec.encode(
                new AudioChunk("", 0, 0, 8000, Encoding.PCM_S16LE, ramp(10), null)));
    }

    @Test
    void pcmEncodingClipsInsteadOfWrapping() throws Exception {
        AudioChunk back = AudioChunkCodec.decode(AudioChunkCodec.encode(
                chunk(Encoding.PCM_S16LE, 8000, new float[] {1.5f, -1.5f})));
        assertArrayEquals(new float[] {32767 / 32768f, -32767 / 32768f}, back.samples());
    }

    private static void assertReason(Reason want, byte[] bytes) {
        ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> AudioChunkCodec.decode(bytes));
        assertEquals(want, e.reason(), e.getMessage());
    }
}
