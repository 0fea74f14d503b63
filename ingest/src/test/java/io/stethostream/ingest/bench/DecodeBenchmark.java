package io.stethostream.ingest.bench;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.audio.WavWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decoding plus resampling to 16 kHz, from bytes in memory (no disk time). Throughput in seconds of audio per second
 * is the recording's duration divided by the reported time. Sources: 30 s synthetic WAVs at 44.1 kHz (24-bit) and
 * 8 kHz (16-bit), and real ICBHI FLAC files from ../shared/data (-Dstethostream.shared.data=DIR).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class DecodeBenchmark {

    @Param({"wav-44100-24bit", "wav-8000-16bit", "flac-16000:101_1b1_Al_sc_Meditron",
            "flac-4000:104_1b1_Al_sc_Litt3200"})
    public String source;

    private byte[] bytes;
    /** Seconds of audio in the source, printed at setup so the throughput can be derived. */
    public double seconds;

    @Setup
    public void setUp() throws IOException {
        if (source.startsWith("wav-")) {
            String[] p = source.split("-");
            int rate = Integer.parseInt(p[1]);
            float[] x = new float[rate * 30];
            Random r = new Random(3);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (0.2 * r.nextGaussian());
            }
            bytes = WavWriter.encode(new float[][] {x}, rate,
                    p[2].equals("24bit") ? WavWriter.Encoding.PCM_24 : WavWriter.Encoding.PCM_16);
        } else {
            String name = source.substring(source.indexOf(':') + 1);
            Path dir = Path.of(System.getProperty("stethostream.shared.data", "../shared/data"));
            bytes = Files.readAllBytes(dir.resolve("icbhi/audio_and_txt_files").resolve(name + ".flac"));
        }
        AudioClip clip = AudioFiles.decode(bytes, source);
        seconds = clip.durationSeconds();
        System.out.printf("%n[%s: %.1f s of audio at %d Hz]%n", source, seconds, clip.sampleRate());
    }

    @Benchmark
    public AudioClip decodeAndResampleTo16k() throws IOException {
        return Resampling.resample(AudioFiles.decode(bytes, source), 16_000);
    }
}
