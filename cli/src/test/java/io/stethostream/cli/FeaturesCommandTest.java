package io.stethostream.cli;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.WavWriter;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.Npy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeaturesCommandTest {

    @TempDir
    Path dir;
    private Path wav;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeInput() throws IOException {
        float[] x = new float[8000 * 3]; // 3 s at 8 kHz: the command resamples to 16 kHz
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 400 * i / 8000.0) + 0.01 * Math.sin(i * 1.7));
        }
        wav = dir.resolve("in.wav");
        WavWriter.write(wav, new AudioClip(x, 8000, "in"));
    }

    private int run(String... args) {
        return Stethostream.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
    }

    @Test
    void writesNormalisedFeaturesOfTheWholeFile() throws IOException {
        Path npy = dir.resolve("f.npy");
        assertEquals(0, run("features", "--input", wav.toString(), "--out", npy.toString()), err.toString());
        FeatureMatrix m = Npy.read(npy);
        assertEquals(FeatureSpec.PATCH_MIX.framesFor(48_000), m.frames());
        assertEquals(128, m.bins());
        assertTrue(out.toString().contains("298 frames x 128"), out.toString());
    }

    @Test
    void rawAndSegmentOptionsSelectLogMelOfTheSegment() throws IOException {
        Path npy = dir.resolve("seg.npy");
        assertEquals(0, run("features", "--input", wav.toString(), "--start", "0.5", "--end", "2.25", "--raw",
                "--out", npy.toString()), err.toString());
        FeatureMatrix m = Npy.read(npy);
        FeatureExtractor fx = new FeatureExtractor(FeatureSpec.PATCH_MIX);
        float[] all = fx.toModelRate(io.stethostream.ingest.audio.AudioFiles.read(wav)).samples();
        float[] seg = java.util.Arrays.copyOfRange(all, 8000, 36000);
        assertArrayEquals(fx.logMel(seg).data(), m.data());
        assertEquals(FeatureSpec.PATCH_MIX.framesFor(28_000), m.frames());
    }

    @Test
    void badInputsExitWithBadInputAndSayWhy() throws IOException {
        Path npy = dir.resolve("x.npy");
        assertEquals(ExitCodes.BAD_INPUT, run("features", "--input", wav.toString(), "--end", "9", "--out",
                npy.toString()));
        assertTrue(err.toString().contains("past the end"), err.toString());
        assertEquals(ExitCodes.BAD_INPUT, run("features", "--input", wav.toString(), "--start", "2", "--end", "1",
                "--out", npy.toString()));
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "hello");
        assertEquals(ExitCodes.BAD_INPUT, run("features", "--input", text.toString(), "--out", npy.toString()));
        assertTrue(err.toString().contains("notes.wav") && err.toString().contains("not a WAV or FLAC"));
        assertEquals(ExitCodes.BAD_INPUT, run("features", "--input", dir.resolve("absent.wav").toString(), "--out",
                npy.toString()));
        assertTrue(err.toString().contains("absent.wav"));
        assertFalse(Files.exists(npy), "nothing written on failure");
        assertEquals(ExitCodes.USAGE, run("features", "--out", npy.toString()));
    }
}
