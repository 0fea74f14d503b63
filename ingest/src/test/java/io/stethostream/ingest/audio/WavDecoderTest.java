package io.stethostream.ingest.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavDecoderTest {

    @TempDir
    Path dir;

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * 440 * i / 8000.0) * 0.8f;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(WavWriter.Encoding.class)
    void decodesEveryEncodingWithinItsQuantisationStep(WavWriter.Encoding enc) throws IOException {
        float[] x = ramp(800);
        Path f = dir.resolve(enc + ".wav");
        WavWriter.write(f, new float[][] {x}, 8000, enc);
        AudioClip clip = AudioFiles.read(f);
        assertEquals(8000, clip.sampleRate());
        assertEquals(800, clip.length());
        double step = enc == WavWriter.Encoding.FLOAT_32 ? 1e-7 : 4.0 / Math.pow(2, enc.bytesPerSample() * 8); // 2 LSB
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], clip.samples()[i], step, enc + " sample " + i);
        }
    }

    @Test
    void averagesChannelsToMono() throws IOException {
        float[] left = ramp(400);
        float[] right = new float[400];
        Arrays.fill(right, 0.5f);
        Path f = dir.resolve("stereo.wav");
        WavWriter.write(f, new float[][] {left, right}, 8000, WavWriter.Encoding.PCM_24);
        AudioClip clip = AudioFiles.read(f);
        assertEquals(400, clip.length());
        for (int i = 0; i < 400; i++) {
            assertEquals((left[i] + 0.5) / 2, clip.samples()[i], 1e-6);
        }
    }

    @Test
    void skipsUnknownChunksIncludingOddSizedOnes() throws IOException {
        byte[] plain = WavWriter.encode(new float[][] {ramp(100)}, 8000, WavWriter.Encoding.PCM_16);
        // Insert a LIST chunk of odd length (padded to even) between fmt and data, and a trailing chunk after data.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 36);
        out.write(chunk("LIST", new byte[] {1, 2, 3}));
        out.write(plain, 36, plain.length - 36);
        out.write(chunk("id3 ", new byte[10]));
        AudioClip withChunks = AudioFiles.decode(out.toByteArray(), "chunks.wav");
        assertArrayEquals(AudioFiles.decode(plain, "plain.wav").samples(), withChunks.samples());
    }

    @Test
    void acceptsSprSoundsNonStandardBlockAlign() throws IOException {
        byte[] b = WavWriter.encode(new float[][] {ramp(100)}, 8000, WavWriter.Encoding.PCM_16);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(32, (short) 4); // block align 4 for mono 16-bit
        AudioClip clip = AudioFiles.decode(b, "spr.wav");
        assertEquals(100, clip.length());
        assertEquals(ramp(100)[37], clip.samples()[37], 1e-4);
    }

    @Test
    void readsWaveFormatExtensible() throws IOException {
        float[] x = ramp(50);
        byte[] plain = WavWriter.encode(new float[][] {x}, 8000, WavWriter.Encoding.FLOAT_32);
        ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(8000).putInt(32000).putShort((short) 4)
                .putShort((short) 32).putShort((short) 22).putShort((short) 32).putInt(4)
                .putShort((short) 3).put(new byte[14]); // sub-format GUID starting with IEEE float (3)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 12);
        out.write(chunk("fmt ", fmt.array()));
        out.write(plain, 36, plain.length - 36);
        assertArrayEquals(x, AudioFiles.decode(out.toByteArray(), "ext.wav").samples(), 1e-7f);
    }

    @Test
    void truncatedDataIsAnErrorNamingTheFile() throws IOException {
        byte[] b = WavWriter.encode(new float[][] {ramp(1000)}, 8000, WavWriter.Encoding.PCM_16);
        Path f = dir.resolve("cut.wav");
        Files.write(f, Arrays.copyOf(b, b.length - 501));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.read(f));
        assertTrue(e.getMessage().contains("cut.wav") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void oddByteCountIsTruncation() throws IOException {
        byte[] b = WavWriter.encode(new float[][] {ramp(10)}, 8000, WavWriter.Encoding.PCM_16);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 19); // 9.5 frames
        var e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(b, "odd.wav"));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    }

    @Test
    void emptyNonAudioAndHeaderOnlyFilesAreErrors() throws IOException {
        Path empty = dir.resolve("empty.wav");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.read(empty)).getMessage()
                .contains("empty"));
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "this is not audio");
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.read(text)).getMessage()
                .contains("not a WAV or FLAC"));
        byte[] b = WavWriter.encode(new float[][] {ramp(10)}, 8000, WavWriter.Encoding.PCM_16);
        var e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(Arrays.copyOf(b, 30), "hdr.wav"));
        assertTrue(e.getMessage().contains("hdr.wav"), e.getMessage());
        byte[] noSamples = WavWriter.encode(new float[][] {new float[0]}, 8000, WavWriter.Encoding.PCM_16);
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.decode(noSamples, "z.wav"))
                .getMessage().contains("no audio samples"));
    }

    @Test
    void unsupportedEncodingsAreNamed() {
        byte[] b = WavWriter.encode(new float[][] {ramp(10)}, 8000, WavWriter.Encoding.PCM_16);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 2); // MS ADPCM
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.decode(b, "adpcm.wav")).getMessage()
                .contains("format tag 2"));
        byte[] c = WavWriter.encode(new float[][] {ramp(10)}, 8000, WavWriter.Encoding.PCM_16);
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(34, (short) 12);
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.decode(c, "12bit.wav")).getMessage()
                .contains("12 bits"));
    }

    @Test
    void nonFiniteFloatSamplesAreRejectedNotZeroed() {
        byte[] b = WavWriter.encode(new float[][] {ramp(10)}, 8000, WavWriter.Encoding.FLOAT_32);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(44 + 4 * 3, Float.NaN);
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.decode(b, "nan.wav")).getMessage()
                .contains("frame 3"));
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> AudioFiles.read(dir.resolve("absent.wav")));
    }

    private static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }
}
