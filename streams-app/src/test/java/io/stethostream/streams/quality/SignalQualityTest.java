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

    @Test
    void hopByHopMeasurementGivesTheOnePassVerdictOfEveryWindow() {
        // 20 s: breathing, then 4 s of near silence, then noise: windows of 8 s every 2 s cross every kind of edge.
        int rate = 16000;
        int hop = 2 * rate;
        int window = 4 * hop;
        float[] a = TestAudio.synth(SoundKind.WHEEZE, 12, rate, 5);
        float[] b = TestAudio.synth(SoundKind.SILENCE, 4, rate, 6);
        float[] c = new float[8 * rate];
        Random rnd = new Random(7);
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (0.1 * rnd.nextGaussian());
        }
        float[] all = new float[a.length + b.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(c, 0, all, a.length + b.length, c.length);
        HopQuality hops = new HopQuality(q, hop);
        long base = 1_000_000L; // positions are absolute stream samples
        java.util.Set<QualityReport.Verdict> seen = new java.util.HashSet<>();
        for (int start = 0; start + window <= all.length; start += hop) {
            float[] w = java.util.Arrays.copyOfRange(all, start, start + window);
            QualityReport once = q.assess(w);
            QualityReport incremental = hops.assess(base + start, w);
            assertEquals(once.verdict(), incremental.verdict(), "window at " + start);
            assertEquals(once.reason(), incremental.reason(), "window at " + start);
            assertEquals(once.rmsDbfs(), incremental.rmsDbfs(), 1e-9);
            assertEquals(once.clippedFraction(), incremental.clippedFraction(), 0.0);
            assertEquals(once.zeroCrossingRate(), incremental.zeroCrossingRate(), 0.0);
            seen.add(once.verdict());
        }
        assertTrue(seen.size() >= 2, "the signal should give more than one verdict: " + seen);
        // A window that is not a whole number of hops is measured in one pass.
        float[] odd = java.util.Arrays.copyOf(all, window + 5);
        assertEquals(q.assess(odd), hops.assess(base, odd));
    }
}
