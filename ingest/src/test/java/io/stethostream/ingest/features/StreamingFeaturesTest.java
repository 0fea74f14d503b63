package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingFeaturesTest {

    private static float[] noise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.1 * r.nextGaussian() + 0.3 * Math.sin(i * 0.05));
        }
        return x;
    }

    private static List<StreamingFeatures.Window> stream(StreamingFeatures sf, float[] x, int chunk) {
        List<StreamingFeatures.Window> out = new ArrayList<>();
        for (int at = 0; at < x.length; at += chunk) {
            sf.append(x, at, Math.min(chunk, x.length - at));
            sf.poll().ifPresent(out::add);
            sf.poll().ifPresent(out::add);
        }
        return out;
    }

    @Test
    void overlappingWindowsEqualFullComputationAndComputeOnlyNewFrames() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX; // 8 s windows every 2 s
        float[] x = noise(16000 * 20, 1);
        StreamingFeatures sf = new StreamingFeatures(spec);
        List<StreamingFeatures.Window> windows = stream(sf, x, 4000); // 250 ms chunks, as the edge agent sends
        assertEquals(7, windows.size()); // starts 0, 2, ..., 12 s
        KaldiFbank full = new KaldiFbank(spec);
        for (var w : windows) {
            int from = (int) w.startSample();
            assertArrayEquals(full.compute(x, from, from + 128_000).data(), w.logMel().data(),
                    "window at " + from);
        }
        assertEquals(798 + 6 * 200, sf.framesComputed()); // the first window in full, then 200 new frames each
    }

    @Test
    void aHopThatIsNotAWholeNumberOfFramesIsStillExact() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX;
        float[] x = noise(16000 * 5, 2);
        StreamingFeatures sf = new StreamingFeatures(spec, 16000, 16000 / 3);
        List<StreamingFeatures.Window> windows = stream(sf, x, 1000);
        assertTrue(windows.size() >= 10);
        KaldiFbank full = new KaldiFbank(spec);
        for (var w : windows) {
            int from = (int) w.startSample();
            assertArrayEquals(full.compute(x, from, from + 16000).data(), w.logMel().data());
        }
    }

    @Test
    void restartAfterAGapStartsAFreshWindow() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX;
        StreamingFeatures sf = new StreamingFeatures(spec, 16000, 8000);
        float[] x = noise(24000, 3);
        sf.append(x);
        assertEquals(0, sf.poll().orElseThrow().startSample());
        sf.restartAt(100_000);
        sf.append(noise(15999, 4));
        assertTrue(sf.poll().isEmpty());
        sf.append(new float[1]);
        var w = sf.poll().orElseThrow();
        assertEquals(100_000, w.startSample());
    }
}
