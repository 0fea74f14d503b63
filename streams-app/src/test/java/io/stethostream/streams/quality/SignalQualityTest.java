package io.stethostream.streams.quality;

import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.streams.testing.TestAudio;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalQualityTest {

    private final SignalQuality q = new SignalQuality(QualityThresholds.DEFAULTS);

    @Test
    void digitalSilenceAndTheSensorFloorAreSilence() {
        assertEquals(QualityReport.Verdict.SILENCE, q.assess(new float[16000]).verdict());
        QualityReport r = q.assess(TestAudio.synth(SoundKind.SILENCE, 8, 16000, 1));
        assertEquals(QualityReport.Verdict.SILENCE, r.verdict());
        assertTrue(r.rmsDbfs() < -80 && r.rmsDbfs() > -100, "floor at " + r.rmsDbfs());
        assertTrue(r.reason().contains("dBFS"));
    }

    @Test
    void aSineAtMinus20DbfsIsUsableWithItsLevelMeasured() {
        float[] x = new float[16000];
        double amp = Math.sqrt(2) * 0.1; // RMS 0.1 = -20 dBFS
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amp * Math.sin(2 * Math.PI * 300 * i / 16000.0));
        }
        QualityReport r = q.assess(x);
        assertEquals(QualityReport.Verdict.OK, r.verdict());
        assertEquals(-20.0, r.rmsDbfs(), 0.05);
        assertEquals(2 * 300 / 16000.0, r.zeroCrossingRate(), 0.001);
    }

    @Test
    void aFullScaleSquareWaveIsClipping() {
        float[] x = new float[16000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i / 40) % 2 == 0 ? 1f : -1f;
        }
        QualityReport r = q.assess(x);
        assertEquals(QualityReport.Verdict.CLIPPING, r.verdict());
        assertEquals(1.0, r.clippedFraction(), 1e-9);
    }

    @Test
    void whiteNoiseIsNoise() {
        Random rnd = new Random(7);
        float[] x = new float[16000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.1 * rnd.nextGaussian());
        }
        QualityReport r = q.assess(x);
        assertEquals(QualityReport.Verdict.NOISE, r.verdict());
        assertEquals(0.5, r.zeroCrossingRate(), 0.02);
    }

    @Test
    void syntheticBreathingIsUsable() {
        for (SoundKind k : new SoundKind[] {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE, SoundKind.BOTH}) {
            QualityReport r = q.assess(TestAudio.synth(k, 8, 16000, 3));
            assertTrue(r.usable(), k + ": " + r);
        }
        assertFalse(q.assess(new float[0]).usable());
    }
}
