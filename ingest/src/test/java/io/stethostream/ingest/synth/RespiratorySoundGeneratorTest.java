package io.stethostream.ingest.synth;

import io.stethostream.ingest.dataset.Cycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RespiratorySoundGeneratorTest {

    private static SyntheticRecording generate(SoundKind kind, double seconds, long seed) {
        return RespiratorySoundGenerator.generate(SynthParameters.of(kind, seconds, seed));
    }

    @ParameterizedTest
    @EnumSource(SoundKind.class)
    void sameSeedAndParametersGiveIdenticalOutput(SoundKind kind) {
        SyntheticRecording a = generate(kind, 8, 42);
        SyntheticRecording b = generate(kind, 8, 42);
        assertArrayEquals(a.clip().samples(), b.clip().samples());
        assertEquals(a.cycles(), b.cycles());
        assertEquals(a.events(), b.events());
    }

    @ParameterizedTest
    @EnumSource(SoundKind.class)
    void differentSeedsGiveDifferentOutput(SoundKind kind) {
        SyntheticRecording a = generate(kind, 4, 1);
        SyntheticRecording b = generate(kind, 4, 2);
        assertFalse(Arrays.equals(a.clip().samples(), b.clip().samples()));
    }

    static Stream<Arguments> kindsAndRates() {
        return Arrays.stream(SoundKind.values())
                .flatMap(k -> Stream.of(4000, 8000, 16000, 44100, 48000).map(r -> Arguments.of(k, r)));
    }

    @ParameterizedTest
    @MethodSource("kindsAndRates")
    void lengthIsExactAndSamplesStayInFullScale(SoundKind kind, int rate) {
        SynthParameters p = SynthParameters.of(kind, 2.5, 9).withSampleRate(rate);
        SyntheticRecording r = RespiratorySoundGenerator.generate(p);
        assertEquals(rate * 5 / 2, r.clip().length());
        assertEquals(2.5, r.clip().durationSeconds(), 1e-12);
        assertEquals(rate, r.clip().sampleRate());
        for (float v : r.clip().samples()) {
            assertTrue(Float.isFinite(v) && v >= -1f && v <= 1f, "sample out of range: " + v);
        }
        if (kind.hasBreathing()) {
            assertEquals(2.5, r.cycles().get(r.cycles().size() - 1).end(), 1e-9);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 3, 5, 7})
    void cyclesTileTheRecordingWithoutGapsOrOverlap(long seed) {
        for (SoundKind kind : List.of(SoundKind.NORMAL, SoundKind.BOTH, SoundKind.POOR)) {
            double bpm = 8 + 6 * seed;  // 14 .. 50
            SyntheticRecording r = RespiratorySoundGenerator.generate(
                    SynthParameters.of(kind, 12, seed).withBreathsPerMinute(bpm));
            List<Cycle> cycles = r.cycles();
            assertEquals(0.0, cycles.get(0).start());
            for (int i = 1; i < cycles.size(); i++) {
                assertEquals(cycles.get(i - 1).end(), cycles.get(i).start(), 0.0, "gap or overlap at cycle " + i);
            }
            assertEquals(12.0, cycles.get(cycles.size() - 1).end(), 1e-9);
            for (Cycle c : cycles) {
                assertTrue(c.duration() >= RespiratorySoundGenerator.MIN_CYCLE, "sliver cycle " + c);
            }
            // The mean period is 60/bpm with +-8% jitter per breath: the count is within one of seconds * bpm / 60.
            double expected = 12 * bpm / 60;
            assertTrue(Math.abs(cycles.size() - expected) <= 1.0 + 0.08 * expected,
                    cycles.size() + " cycles at " + bpm + " breaths/min");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void flagsMatchTheEventsInsideEachCycle(long seed) {
        for (SoundKind kind : List.of(SoundKind.CRACKLE, SoundKind.WHEEZE, SoundKind.BOTH)) {
            SyntheticRecording r = generate(kind, 15, seed);
            for (SyntheticEvent e : r.events()) {
                long containing = r.cycles().stream().filter(c -> e.within(c.start(), c.end())).count();
                assertEquals(1, containing, "event must lie inside exactly one cycle: " + e);
            }
            for (Cycle c : r.cycles()) {
                boolean crackles = r.events().stream()
                        .anyMatch(e -> e.type().isCrackle() && e.within(c.start(), c.end()));
                boolean wheezes = r.events().stream()
                        .anyMatch(e -> e.type().isWheeze() && e.within(c.start(), c.end()));
                assertEquals(crackles, c.crackles(), "crackle flag of " + c);
                assertEquals(wheezes, c.wheezes(), "wheeze flag of " + c);
            }
            assertEquals(kind.hasCrackles(), r.cycles().stream().anyMatch(Cycle::crackles), kind + " crackles");
            assertEquals(kind.hasWheezes(), r.cycles().stream().anyMatch(Cycle::wheezes), kind + " wheezes");
            if (kind == SoundKind.BOTH) {
                assertTrue(r.cycles().stream().anyMatch(c -> c.crackles() && c.wheezes()), "a cycle with both");
            }
        }
    }

    @Test
    void normalHasNoEventsAndNoFlags() {
        SyntheticRecording r = generate(SoundKind.NORMAL, 20, 3);
        assertTrue(r.events().isEmpty());
        assertTrue(r.cycles().stream().noneMatch(c -> c.crackles() || c.wheezes()));
    }

    @Test
    void eventsAreSortedByStart() {
        SyntheticRecording r = generate(SoundKind.BOTH, 15, 5);
        for (int i = 1; i < r.events().size(); i++) {
            assertTrue(r.events().get(i - 1).start() <= r.events().get(i).start());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SoundKind.class, names = {"CRACKLE", "WHEEZE", "BOTH"})
    void abnormalKindsAddSoundOnlyInsideTheirEvents(SoundKind kind) {
        // Each component has its own random stream, so the breathing under an abnormal recording is the normal one.
        SyntheticRecording normal = generate(SoundKind.NORMAL, 15, 21);
        SyntheticRecording abnormal = generate(kind, 15, 21);
        float[] a = normal.clip().samples();
        float[] b = abnormal.clip().samples();
        boolean[] inside = new boolean[a.length];
        for (SyntheticEvent e : abnormal.events()) {
            for (int i = Signals.index(e.start(), 16000); i < Signals.index(e.end(), 16000); i++) {
                inside[i] = true;
            }
        }
        int changedInside = 0;
        for (int i = 0; i < a.length; i++) {
            if (!inside[i]) {
                assertEquals(a[i], b[i], 0f, "sample " + i + " changed outside every event");
            } else if (a[i] != b[i]) {
                changedInside++;
            }
        }
        assertTrue(changedInside > 0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void inspirationIsLouderThanExpiration(long seed) {
        SyntheticRecording r = generate(SoundKind.NORMAL, 20, seed);
        float[] x = r.clip().samples();
        for (Cycle c : r.cycles().subList(0, r.cycles().size() - 1)) {
            // Inspiration is the first 36-42% of a breath and expiration the next 43-50%: measure inside both.
            double insp = Signals.rms(x, Signals.index(c.start() + 0.05 * c.duration(), 16000),
                    Signals.index(c.start() + 0.33 * c.duration(), 16000));
            double exp = Signals.rms(x, Signals.index(c.start() + 0.47 * c.duration(), 16000),
                    Signals.index(c.start() + 0.75 * c.duration(), 16000));
            double pause = Signals.rms(x, Signals.index(c.start() + 0.93 * c.duration(), 16000),
                    Signals.index(c.end(), 16000));
            assertTrue(insp > 1.4 * exp, "inspiration " + insp + " vs expiration " + exp);
            assertTrue(exp > 5 * pause, "expiration " + exp + " vs pause " + pause);
            // A half-sine envelope over most of inspiration has an RMS of about 0.75; breaths vary by +-15%.
            double level = RespiratorySoundGenerator.BREATH_LEVEL;
            assertEquals(0.75 * level, insp, 0.25 * level, "inspiratory RMS");
        }
    }

    @Test
    void breathNoiseLiesBetween100And1000Hz() {
        SyntheticRecording r = generate(SoundKind.NORMAL, 4, 8);
        float[] x = r.clip().samples();
        double[] p = Signals.spectrum(x, 8000, 24000, 10, 4000, 10, 16000);
        double in = 0;
        double far = 0;
        double all = 0;
        for (int k = 0; k < p.length; k++) {
            double hz = 10 + 10 * k;
            all += p[k];
            if (hz >= 100 && hz <= 1000) {
                in += p[k];
            } else if (hz < 40 || hz > 2000) {
                far += p[k];
            }
        }
        // Second-order Butterworth pairs pass half power at each cutoff, so some energy sits just outside the band.
        assertTrue(in / all > 0.85, "share of power in 100-1000 Hz: " + in / all);
        assertTrue(far / all < 0.01, "share of power below 40 Hz or above 2 kHz: " + far / all);
    }
}
