package io.stethostream.streams.audio;

import io.stethostream.ingest.audio.Resampling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamResamplerTest {

    /** Chunked output equals the offline resampling of the whole signal: no clicks or shifts at boundaries. */
    @ParameterizedTest
    @CsvSource({"44100, 16000", "8000, 16000", "48000, 16000", "4000, 16000", "22050, 16000", "16000, 16000"})
    void chunkedOutputMatchesTheWholeSignal(int from, int to) {
        Random rnd = new Random(from);
        float[] x = new float[from * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 * Math.sin(2 * Math.PI * 440 * i / from) + 0.05 * rnd.nextGaussian());
        }
        float[] whole = Resampling.resample(x, from, to);
        StreamResampler r = new StreamResampler(from, to);
        float[] got = new float[0];
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, 1 + rnd.nextInt(from / 4)); // chunks of up to 250 ms, some tiny
            float[] out = r.push(Arrays.copyOfRange(x, at, at + n));
            got = concat(got, out);
            at += n;
            // What is out is final, and stays within the filter's delay of the input.
            assertTrue(Math.floorDiv((long) at * to, from) - got.length <= (long) (r.margin() + 1) * to / from + 2);
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(got[i] - whole[i]));
        }
        assertTrue(got.length >= whole.length - (long) (r.margin() + 1) * to / from - 2, "output length " + got.length + " of " + whole.length);
        assertTrue(max < 1e-4, "max |streamed - whole| = " + max);
    }

    @ParameterizedTest
    @CsvSource({"44100, 16000", "8000, 16000"})
    void restoredResamplerContinuesIdentically(int from, int to) {
        float[] x = new float[from];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.01);
        }
        StreamResampler a = new StreamResampler(from, to);
        float[] first = a.push(Arrays.copyOf(x, from / 2));
        StreamResampler b = new StreamResampler(from, to, a.tailStart(), a.tail().clone(), a.produced());
        float[] rest = Arrays.copyOfRange(x, from / 2, from);
        float[] fromA = a.push(rest);
        float[] fromB = b.push(rest);
        assertEquals(first.length + fromA.length, first.length + fromB.length);
        for (int i = 0; i < fromA.length; i++) {
            assertEquals(fromA[i], fromB[i], 0f);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
