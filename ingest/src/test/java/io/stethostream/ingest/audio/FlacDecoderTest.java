package io.stethostream.ingest.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixtures made by src/test/resources/audio/make_fixtures.py with the reference flac encoder. */
class FlacDecoderTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = FlacDecoderTest.class.getResourceAsStream("/audio/" + name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @CsvSource({"tone_16bit_mono.flac, 1.0, 16", "tone_24bit_mono.flac, 1.0, 24",
            "tone_16bit_stereo.flac, 0.25, 16", "tone_24bit_stereo.flac, 0.25, 24"})
    void decodesToTheEncodedSignal(String name, double gain, int bits) throws IOException {
        AudioClip clip = AudioFiles.decode(fixture(name), name);
        assertEquals(8000, clip.sampleRate());
        assertEquals(2000, clip.length());
        double tol = 2.0 / Math.pow(2, bits);
        for (int i = 0; i < clip.length(); i++) {
            double expected = gain * 0.5 * Math.sin(2 * Math.PI * 440 * i / 8000.0);
            assertEquals(expected, clip.samples()[i], tol, name + " sample " + i);
        }
    }

    @Test
    void truncatedFlacIsAnErrorNotAPartialRead() throws IOException {
        byte[] full = fixture("tone_16bit_mono.flac");
        byte[] cut = Arrays.copyOf(full, full.length * 2 / 3);
        var e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(cut, "cut.flac"));
        assertTrue(e.getMessage().contains("cut.flac"), e.getMessage());
    }

    @Test
    void corruptFramesAreAnError() throws IOException {
        byte[] bytes = fixture("tone_24bit_stereo.flac");
        // The audio frames sit after flac's 8 KiB padding block: damage bytes near the end.
        for (int i = bytes.length - 300; i < bytes.length - 290; i++) {
            bytes[i] ^= 0x5A;
        }
        var e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(bytes, "bad.flac"));
        assertTrue(e.getMessage().startsWith("bad.flac: "), e.getMessage());
    }

    @Test
    void aSingleFlippedBitIsCaughtByTheMd5Signature() throws IOException {
        byte[] bytes = fixture("tone_16bit_mono.flac");
        bytes[bytes.length - 100] ^= 0x01;
        var e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(bytes, "bit.flac"));
        assertTrue(e.getMessage().contains("bit.flac"), e.getMessage());
    }

    @Test
    void headerOnlyFlacIsAnError() throws IOException {
        byte[] head = Arrays.copyOf(fixture("tone_16bit_mono.flac"), 6);
        assertThrows(AudioFormatException.class, () -> AudioFiles.decode(head, "head.flac"));
    }
}
