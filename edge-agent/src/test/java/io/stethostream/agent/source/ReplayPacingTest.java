package io.stethostream.agent.source;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.WavWriter;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayPacingTest {

    @TempDir
    Path dir;

    private AudioClip writeClip(String name, double seconds, int rate) throws IOException {
        AudioClip clip = RespiratorySoundGenerator.generate(
                SynthParameters.of(SoundKind.CRACKLE, seconds, 7).withSampleRate(rate)).clip();
        WavWriter.write(dir.resolve(name), clip);
        return clip;
    }

    private static List<CapturedBlock> drain(AudioSource s, int chunkMillis) throws Exception {
        List<CapturedBlock> out = new ArrayList<>();
        for (CapturedBlock b; (b = s.next(chunkMillis)) != null; ) {
            out.add(b);
        }
        return out;
    }

    @Test
    void aThreeSecondFileTakesAboutThreeSecondsInRealTime() throws Exception {
        AudioClip clip = writeClip("a.wav", 3.0, 8000);
        long t0 = System.nanoTime();
        List<CapturedBlock> blocks;
        try (AudioSource s = new ClipPlayer(FileFeed.of(dir.resolve("a.wav"), false), new Pacer(true))) {
            blocks = drain(s, 250);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf("replay pacing: 3.000 s file played in %.3f s%n", elapsed);
        // Loose on purpose: a loaded CI machine may be late, never early by much.
        assertTrue(elapsed > 2.7 && elapsed < 6.0, "elapsed " + elapsed);
        assertEquals(12, blocks.size());
        long span = blocks.get(11).captureTimeMicros() - blocks.get(0).captureTimeMicros();
        assertEquals(2_750_000, span, 50_000, "capture times follow the audio, 250 ms apart");
        float[] joined = new float[clip.length()];
        int p = 0;
        for (CapturedBlock b : blocks) {
            assertEquals(8000, b.sampleRate());
            assertEquals(2000, b.samples().length);
            System.arraycopy(b.samples(), 0, joined, p, b.samples().length);
            p += b.samples().length;
        }
        assertArrayEquals(clip.samples(), joined, 1e-4f, "every sample replayed once, in order");
    }

    @Test
    void fastReplayDoesNotWaitAndLoopingRepeatsTheFolder() throws Exception {
        writeClip("b.wav", 1.1, 16000);
        writeClip("a.wav", 1.0, 4000);
        long t0 = System.nanoTime();
        try (AudioSource s = new ClipPlayer(FileFeed.of(dir, true), new Pacer(false))) {
            List<CapturedBlock> blocks = new ArrayList<>();
            for (int i = 0; i < 18; i++) {
                blocks.add(s.next(250));
            }
            assertTrue((System.nanoTime() - t0) / 1e9 < 2.0, "fast replay runs ahead of real time");
            // a.wav (4 kHz): 4 blocks of 1000; b.wav (16 kHz, 1.1 s): 4 of 4000 and a short one of 1600; then again.
            int[] expected = {1000, 1000, 1000, 1000, 4000, 4000, 4000, 4000, 1600, 1000, 1000, 1000, 1000, 4000};
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], blocks.get(i).samples().length, "block " + i);
            }
            assertEquals(4000, blocks.get(0).sampleRate());
            assertEquals(16000, blocks.get(4).sampleRate());
        }
    }

    @Test
    void aClosedSourceEnds() throws Exception {
        writeClip("a.wav", 1.0, 8000);
        AudioSource s = new ClipPlayer(FileFeed.of(dir.resolve("a.wav"), true), new Pacer(false));
        s.next(250);
        s.close();
        assertNull(s.next(250));
    }

    @Test
    void syntheticKindsIncludePoorContact() throws Exception {
        assertEquals(SoundKind.POOR, SyntheticFeed.parseKind("poor-contact"));
        assertEquals(SoundKind.SILENCE, SyntheticFeed.parseKind("silence"));
        try (AudioSource s = new ClipPlayer(new SyntheticFeed(SoundKind.WHEEZE, 16000, 3), new Pacer(false))) {
            for (int i = 0; i < 130; i++) {
                CapturedBlock b = s.next(250);
                assertEquals(4000, b.samples().length, "30 s blocks cut into whole chunks, across blocks too");
            }
        }
    }

    @Test
    void noSuchInputListsWhatExists() {
        NoSuchInputException e = org.junit.jupiter.api.Assertions.assertThrows(NoSuchInputException.class,
                () -> LineInputSource.open("no-such-mixer-xyz"));
        assertTrue(e.getMessage().startsWith("no sound input named 'no-such-mixer-xyz'"), e.getMessage());
        if (e.available().isEmpty()) {
            assertTrue(e.getMessage().contains("this machine has no sound capture device"), e.getMessage());
        } else {
            assertTrue(e.getMessage().contains(e.available().get(0)), e.getMessage());
        }
        assertEquals(SoundInputs.names(), e.available());
    }
}
