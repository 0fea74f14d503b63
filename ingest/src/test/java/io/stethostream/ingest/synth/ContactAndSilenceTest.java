package io.stethostream.ingest.synth;

import io.stethostream.ingest.dataset.Cycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Poor contact and silence, measured against their known properties. */
class ContactAndSilenceTest {

    private static final int RATE = 16000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void poorContactClipsAndCarriesLowFrequencyEnergy(long seed) {
        SyntheticRecording poor = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.POOR, 10, seed));
        SyntheticRecording normal = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.NORMAL, 10, seed));
        float[] x = poor.clip().samples();

        Set<SyntheticEvent.Type> types = EnumSet.noneOf(SyntheticEvent.Type.class);
        poor.events().forEach(e -> types.add(e.type()));
        assertEquals(EnumSet.of(SyntheticEvent.Type.CLIPPING, SyntheticEvent.Type.THUMP, SyntheticEvent.Type.DROPOUT,
                SyntheticEvent.Type.FRICTION), types);
        assertTrue(poor.cycles().stream().noneMatch(c -> c.crackles() || c.wheezes()),
                "artefacts are not crackles or wheezes");

        for (SyntheticEvent e : poor.events(SyntheticEvent.Type.CLIPPING)) {
            int from = Signals.index(e.start(), RATE);
            int to = Signals.index(e.end(), RATE);
            int clipped = 0;
            for (int i = from; i < to; i++) {
                clipped += Math.abs(x[i]) >= 0.999f ? 1 : 0;
            }
            assertTrue(clipped > 0.2 * (to - from), clipped + " of " + (to - from) + " samples clipped in " + e);
        }
        double poorLow = Signals.lowFrequencyFraction(x, 60, RATE);
        double normalLow = Signals.lowFrequencyFraction(normal.clip().samples(), 60, RATE);
        assertTrue(poorLow > 0.5, "share of energy below 60 Hz: " + poorLow);
        assertTrue(normalLow < 0.02, "normal breathing's share below 60 Hz: " + normalLow);

        for (SyntheticEvent e : poor.events(SyntheticEvent.Type.DROPOUT)) {
            // Inside the 5 ms ramps only the noise floor is left.
            double rms = Signals.rms(x, Signals.index(e.start() + 0.006, RATE), Signals.index(e.end() - 0.006, RATE));
            assertTrue(rms < 1e-4, "dropout RMS " + rms);
        }
        for (SyntheticEvent e : poor.events(SyntheticEvent.Type.FRICTION)) {
            int from = Signals.index(e.start(), RATE);
            int to = Signals.index(e.end(), RATE);
            double ratio = Signals.rms(x, from, to) / Signals.rms(normal.clip().samples(), from, to);
            assertTrue(ratio > 2, "friction burst only " + ratio + " times the breath sound");
        }
        for (SyntheticEvent e : poor.events(SyntheticEvent.Type.THUMP)) {
            assertTrue(e.frequencyHz() >= 10 && e.frequencyHz() <= 40, "thump at " + e.frequencyHz() + " Hz");
        }
    }

    @Test
    void poorContactStillHasItsBreathingCycles() {
        SyntheticRecording poor = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.POOR, 10, 4));
        SyntheticRecording normal = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.NORMAL, 10, 4));
        assertEquals(normal.cycles(), poor.cycles());
    }

    @ParameterizedTest
    @ValueSource(ints = {4000, 16000, 48000})
    void silenceIsANoiseFloorWithoutCyclesOrEvents(int rate) {
        SyntheticRecording r = RespiratorySoundGenerator.generate(
                SynthParameters.of(SoundKind.SILENCE, 5, 77).withSampleRate(rate));
        float[] x = r.clip().samples();
        assertTrue(Signals.rms(x) < 1e-4, "silence RMS " + Signals.rms(x));
        assertTrue(Signals.peak(x, 0, x.length) < 2e-4, "silence peak " + Signals.peak(x, 0, x.length));
        double floor = RespiratorySoundGenerator.NOISE_FLOOR;
        assertEquals(floor, Signals.rms(x), 0.1 * floor);
        assertTrue(r.cycles().isEmpty());
        assertTrue(r.events().isEmpty());
    }

    @Test
    void aClipShorterThanOneBreathIsOneCycle() {
        SyntheticRecording r = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.BOTH, 1.0, 3));
        assertEquals(1, r.cycles().size());
        Cycle c = r.cycles().get(0);
        assertEquals(0.0, c.start());
        assertEquals(1.0, c.end(), 1e-12);
    }
}
