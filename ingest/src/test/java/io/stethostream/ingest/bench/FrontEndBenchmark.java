package io.stethostream.ingest.bench;

import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.KaldiFbank;
import io.stethostream.ingest.features.StreamingFeatures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The front end on one thread: one 8 s window (798 x 128) computed in full, and the per-window cost of the streaming
 * path (an 8 s window every 2 s, only the 200 new frames computed). Baseline: torchaudio's fbank on the same machine,
 * timed by src/test/python/bench_fbank.py (scripts/bench-ingest runs both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class FrontEndBenchmark {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX;

    private float[] window;
    private float[] stream;
    private KaldiFbank fbank;
    private StreamingFeatures streaming;
    private int streamAt;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(1);
        stream = new float[SPEC.sampleRate() * 120];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (float) (0.1 * r.nextGaussian() + 0.2 * Math.sin(i * 0.03));
        }
        window = java.util.Arrays.copyOf(stream, SPEC.windowSamples());
        fbank = new KaldiFbank(SPEC);
        streaming = new StreamingFeatures(SPEC);
        streaming.append(stream, 0, SPEC.windowSamples() - SPEC.hopSamples());
        streamAt = SPEC.windowSamples() - SPEC.hopSamples();
    }

    /** Full computation of one 8 s window. */
    @Benchmark
    public FeatureMatrix fullWindow() {
        return fbank.compute(window);
    }

    /** Streaming: append the next 2 s hop and take the window it completes (steady state: 200 new frames). */
    @Benchmark
    public FeatureMatrix streamingWindow() {
        if (streamAt + SPEC.hopSamples() > stream.length) {
            streamAt = 0; // wrap the source; the stream itself continues, so the cache stays warm
        }
        streaming.append(stream, streamAt, SPEC.hopSamples());
        streamAt += SPEC.hopSamples();
        return streaming.poll().orElseThrow().logMel();
    }
}
