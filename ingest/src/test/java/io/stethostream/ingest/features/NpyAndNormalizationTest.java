package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyAndNormalizationTest {

    @TempDir
    Path dir;

    @Test
    void npyRoundTripsWithANumpyCompatibleHeader() throws IOException {
        FeatureMatrix m = FeatureMatrix.zeros(3, 4);
        for (int i = 0; i < 12; i++) {
            m.data()[i] = i * 0.5f - 1;
        }
        Path f = dir.resolve("m.npy");
        Npy.write(f, m);
        byte[] bytes = Files.readAllBytes(f);
        String header = new String(bytes, 10, (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8, "US-ASCII");
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (3, 4)"), header);
        assertEquals(0, (10 + header.length()) % 64, "data aligned to 64 bytes as numpy writes it");
        FeatureMatrix back = Npy.read(f);
        assertEquals(3, back.frames());
        assertArrayEquals(m.data(), back.data());
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertTrue(assertThrows(IOException.class, () -> Npy.read(f)).getMessage().contains("data bytes"));
    }

    @Test
    void normalisationAndTargetLengthFollowTheSpec() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX;
        FeatureMatrix m = FeatureMatrix.zeros(2, 128);
        m.data()[0] = -4.2677393f;
        m.data()[1] = 0f;
        Normalization.normaliseInPlace(m, spec);
        assertEquals(0f, m.data()[0], 1e-6);
        assertEquals(4.2677393 / (2 * 4.5689974), m.data()[1], 1e-6);
        FeatureMatrix padded = Normalization.toTargetLength(m, spec);
        assertEquals(798, padded.frames());
        assertEquals(m.data()[1], padded.data()[1]);
        assertEquals(0f, padded.get(797, 5));
        FeatureMatrix longer = FeatureMatrix.zeros(900, 128);
        longer.set(797, 0, 3f);
        longer.set(798, 0, 9f);
        FeatureMatrix cropped = Normalization.toTargetLength(longer, spec);
        assertEquals(798, cropped.frames());
        assertEquals(3f, cropped.get(797, 0));
    }

    @Test
    void modelInputIntoIsNormaliseThenTargetLengthWrittenInPlaceOfACopy() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(2).withNormalisation(-14.9, 2.24);
        java.util.Random r = new java.util.Random(5);
        for (int frames : new int[] {spec.targetFrames() - 7, spec.targetFrames(), spec.targetFrames() + 9}) {
            FeatureMatrix logMel = FeatureMatrix.zeros(frames, 128);
            for (int i = 0; i < logMel.data().length; i++) {
                logMel.data()[i] = (float) (-15 + 3 * r.nextGaussian());
            }
            float[] before = logMel.data().clone();
            float[] dst = new float[3 + spec.targetFrames() * 128];
            java.util.Arrays.fill(dst, 7f); // padding must be written, not assumed
            Normalization.modelInputInto(logMel, spec, dst, 3);
            float[] expected = Normalization.toTargetLength(Normalization.normaliseInPlace(logMel.copy(), spec), spec)
                    .data();
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(dst, 3, dst.length), "frames " + frames);
            assertEquals(7f, dst[2]);
            assertArrayEquals(before, logMel.data(), "the log-mel is left as it was");
        }
    }
}
