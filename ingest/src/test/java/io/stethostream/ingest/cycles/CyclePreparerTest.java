package io.stethostream.ingest.cycles;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.features.FeatureSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CyclePreparerTest {

    private final CyclePreparer preparer = new CyclePreparer(FeatureSpec.PATCH_MIX);

    private static AudioClip ones(int n) {
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        return new AudioClip(x, 16000, "ones");
    }

    @Test
    void wholeRecordingFadesLinearlyOver1000Samples() {
        float[] faded = CyclePreparer.fadeInOut(ones(20_000).samples(), 1000);
        assertEquals(0f, faded[0]);
        assertEquals(1 / 999.0, faded[1], 1e-7);
        assertEquals(1f, faded[999]);
        assertEquals(1f, faded[1000]);
        assertEquals(1f, faded[19_000]);
        assertEquals(0f, faded[19_999]);
        assertEquals(1 / 999.0, faded[19_998], 1e-7);
    }

    @Test
    void shortCyclesAreTiledCutAndFadedOut() {
        float[] x = new float[48_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 1000) / 1000f;
        }
        AudioClip clip = new AudioClip(x, 16000, "saw");
        // 1.0 .. 1.5 s: floor(16000.0) .. floor(24000.0) = 8000 samples
        float[] c = preparer.prepare(clip, List.of(new Cycle(1.0, 1.5, false, false))).get(0);
        assertEquals(128_000, c.length);
        assertEquals(x[16_000], c[0]);
        assertEquals(x[16_000 + 123], c[8000 + 123], "second tile repeats the cycle");
        assertEquals(x[16_000 + 7999], c[15_999], "end of the second tile");
        assertEquals(x[16_000 + (126_999 % 8000)], c[126_999], "before the fade-out: unchanged");
        assertEquals(x[16_000 + (127_500 % 8000)] * (1 - 500 / 999.0), c[127_500], 1e-6, "inside the fade-out");
        assertEquals(0f, c[127_999], "fade-out ends at zero");
    }

    @Test
    void longCyclesKeepTheirFirstEightSecondsUnfaded() {
        AudioClip clip = ones(16000 * 12);
        float[] c = preparer.prepare(clip, List.of(new Cycle(1.0, 11.0, true, false))).get(0);
        assertEquals(128_000, c.length);
        assertEquals(1f, c[127_999]);
        assertEquals(1f, c[0]);
    }

    @Test
    void slicesAtTheFloorOfStartAndEndTimesTheRate() {
        float[] x = new float[32_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        AudioClip clip = new AudioClip(x, 16000, "idx");
        // 0.10001 s * 16000 = 1600.16 -> 1600; 0.2 s -> 3200 samples, length 1600 tiled 80 times
        float[] c = preparer.prepare(clip, List.of(new Cycle(0.10001, 0.2, false, true))).get(0);
        assertEquals(1600f, c[0]);
        assertEquals(3199f, c[1599]);
        assertEquals(1600f, c[1600]);
    }

    @Test
    void slicesAreTheUnfittedCyclesThatPrepareFits() {
        float[] x = new float[16000 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.01);
        }
        AudioClip clip = new AudioClip(x, 16000, "sine");
        List<Cycle> cycles = List.of(new Cycle(0.0, 0.5, false, false), new Cycle(0.10001, 0.2, true, false),
                new Cycle(1.0, 11.0, true, true), new Cycle(11.5, 20.0, false, true));
        List<float[]> slices = preparer.slices(clip, cycles);
        List<float[]> prepared = preparer.prepare(clip, cycles);
        assertEquals(List.of(8000, 1600, 160_000, 8000), slices.stream().map(s -> s.length).toList(),
                "floor(start*rate)..floor(end*rate), the last clipped to the audio");
        float[] faded = CyclePreparer.fadeInOut(x, 1000);
        assertEquals(0f, slices.get(0)[0], "cut from the faded recording");
        assertEquals(faded[1600], slices.get(1)[0]);
        for (int i = 0; i < cycles.size(); i++) {
            assertTrue(Arrays.equals(preparer.fitToLength(slices.get(i)), prepared.get(i)), "cycle " + i);
        }
    }

    @Test
    void cyclesOutsideTheAudioAreNamedErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> preparer.prepare(new AudioClip(ones(16000).samples(), 16000, "rec.wav"), List.of(new Cycle(0.1, 0.5, false, false),
                        new Cycle(2.0, 3.0, false, false))));
        assertTrue(e.getMessage().contains("rec.wav") && e.getMessage().contains("cycle 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> preparer.prepare(new AudioClip(new float[100], 4000, "x"), List.of()));
        assertTrue(preparer.holdsAudio(16000, new Cycle(0.1, 0.5, false, false)));
        assertTrue(preparer.holdsAudio(16000, new Cycle(0.9, 3.0, false, false)), "clipped, still holds audio");
        assertTrue(!preparer.holdsAudio(16000, new Cycle(2.0, 3.0, false, false)));
        assertTrue(!preparer.holdsAudio(16000, new Cycle(0.00001, 0.00002, false, false)), "no whole sample");
    }

    @Test
    void crossfadeRepeatsShortCyclesWithoutJumps() {
        int rate = FeatureSpec.PATCH_MIX.sampleRate();
        // 0.7 s of a 13 Hz sine: it does not end where it starts, so plain tiling jumps at every join
        float[] cycle = new float[(int) (0.7 * rate)];
        for (int i = 0; i < cycle.length; i++) {
            cycle[i] = (float) Math.sin(2 * Math.PI * 13 * i / rate + 0.3);
        }
        float[] tiled = preparer.fitToLength(cycle, CycleFit.TILE);
        float[] faded = preparer.fitToLength(cycle, CycleFit.CROSSFADE);
        assertEquals(FeatureSpec.PATCH_MIX.windowSamples(), faded.length);
        assertTrue(Arrays.equals(tiled, preparer.fitToLength(cycle)), "TILE is the reference's fit");
        int body = faded.length - FeatureSpec.PATCH_MIX.fadeSamples(); // before the reference's final fade-out
        assertTrue(maxStep(tiled, body) > 0.3, "tiling jumps at the joins: " + maxStep(tiled, body));
        // a 13 Hz sine at 16 kHz moves < 0.006 per sample; the 25 ms gain ramps add less than 0.01 each
        assertTrue(maxStep(faded, body) < 0.03, "no jump with the crossfade: " + maxStep(faded, body));
        for (int i = 0; i < cycle.length - 400; i++) {
            assertEquals(cycle[i], faded[i], "the first copy starts unchanged, sample " + i);
        }
        float peak = 0;
        for (int i = 0; i < body; i++) {
            peak = Math.max(peak, Math.abs(faded[i]));
        }
        assertTrue(peak > 0.95 && peak < 1.45, "level kept near the cycle's, got " + peak);
    }

    @Test
    void crossfadeCropsLongCyclesAsTheReference() {
        float[] longCycle = new float[FeatureSpec.PATCH_MIX.windowSamples() + 100];
        Arrays.fill(longCycle, 0.25f);
        assertTrue(Arrays.equals(preparer.fitToLength(longCycle), preparer.fitToLength(longCycle, CycleFit.CROSSFADE)));
        assertEquals(CycleFit.CROSSFADE, CycleFit.parse("crossfade"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CycleFit.parse("loop"));
        assertTrue(e.getMessage().contains("[tile, crossfade]") && e.getMessage().contains("'loop'"), e.getMessage());
    }

    private static double maxStep(float[] x, int upTo) {
        double max = 0;
        for (int i = 1; i < upTo; i++) {
            max = Math.max(max, Math.abs(x[i] - x[i - 1]));
        }
        return max;
    }
}
