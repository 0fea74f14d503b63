package io.stethostream.ingest.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthParametersTest {

    @Test
    void defaultsAre16kHzAnd18BreathsPerMinute() {
        SynthParameters p = SynthParameters.of(SoundKind.NORMAL, 3, 5);
        assertEquals(16000, p.sampleRate());
        assertEquals(18.0, p.breathsPerMinute());
        assertEquals(48000, p.sampleCount());
        assertEquals(22050, SynthParameters.of(SoundKind.NORMAL, 0.5, 5).withSampleRate(44100).sampleCount());
    }

    @ParameterizedTest
    @CsvSource({"0,16000,18,seconds", "-1,16000,18,seconds", "NaN,16000,18,seconds", "601,16000,18,seconds",
            "1,3999,18,sample rate", "1,48001,18,sample rate", "1,16000,3,breaths per minute",
            "1,16000,61,breaths per minute", "1,16000,NaN,breaths per minute"})
    void rejectsValuesOutOfRangeNamingThem(double seconds, int rate, double bpm, String named) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SynthParameters(SoundKind.NORMAL, seconds, rate, bpm, 1));
        assertTrue(e.getMessage().startsWith(named), e.getMessage());
    }

    @Test
    void kindsParseIgnoringCaseAndUnknownOnesNameTheChoices() {
        assertEquals(SoundKind.CRACKLE, SoundKind.parse("Crackle"));
        assertEquals(SoundKind.SILENCE, SoundKind.parse(" silence "));
        var e = assertThrows(IllegalArgumentException.class, () -> SoundKind.parse("rhonchi"));
        assertEquals("unknown kind 'rhonchi', expected one of normal, crackle, wheeze, both, poor, silence",
                e.getMessage());
    }
}
