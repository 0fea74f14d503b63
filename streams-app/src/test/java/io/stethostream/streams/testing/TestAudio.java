package io.stethostream.streams.testing;

import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.Encoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Synthetic device audio cut into chunks, as an agent would send it. */
public final class TestAudio {

    /** 2026-01-01T00:00:00Z in microseconds: a fixed capture clock for the tests. */
    public static final long T0 = 1_767_225_600_000_000L;

    private TestAudio() {
    }

    public static float[] synth(SoundKind kind, double seconds, int rate, long seed) {
        return RespiratorySoundGenerator.generate(SynthParameters.of(kind, seconds, seed).withSampleRate(rate))
                .clip().samples();
    }

    /** Cuts samples into chunks of {@code chunkSeconds}, numbered from {@code firstSeq}, captured from {@code t0}. */
    public static List<AudioChunk> chunks(String device, float[] samples, int rate, double chunkSeconds, long firstSeq,
                                          long t0) {
        int n = (int) Math.round(chunkSeconds * rate);
        List<AudioChunk> out = new ArrayList<>();
        for (int from = 0, i = 0; from < samples.length; from += n, i++) {
            float[] part = Arrays.copyOfRange(samples, from, Math.min(samples.length, from + n));
            out.add(new AudioChunk(device, firstSeq + i, t0 + Math.round(from * 1e6 / rate), rate, Encoding.PCM_S16LE,
                    part, Map.of()));
        }
        return out;
    }

    public static byte[] encode(AudioChunk c) {
        return AudioChunkCodec.encode(c);
    }
}
