package io.stethostream.streams.audio;

import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.streams.audio.ChunkReassembler.Piece;
import io.stethostream.streams.testing.TestAudio;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceStreamTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX; // 16 kHz, 8 s windows, 2 s hop

    /** Collects windows; marks them emitted at once, as the processor does without batching. */
    private static final class Sink implements DeviceStream.Listener {
        final List<DeviceStream.Window> windows = new ArrayList<>();
        DeviceStream stream;
        boolean emit = true;
        int restarts;

        @Override
        public void window(DeviceStream.Window w) {
            windows.add(w);
            if (emit) {
                stream.markEmitted(w.startSample());
            }
        }

        @Override
        public void beforeRestart() {
            restarts++;
        }
    }

    /** Blocks in a map, as the block store holds them. */
    private static final class MapBlocks implements DeviceStreamCodec.BlockStore {
        final java.util.TreeMap<Long, byte[]> map = new java.util.TreeMap<>();
        long writes;

        @Override
        public byte[] get(long block) {
            return map.get(block);
        }

        @Override
        public void put(long block, byte[] value) {
            writes++;
            map.put(block, value);
        }

        @Override
        public void delete(long block) {
            map.remove(block);
        }
    }

    @Test
    void savedAfterEveryChunkEachBlockIsWrittenOnceAndRestoresAtAnyPoint() {
        float[] x = TestAudio.synth(SoundKind.NORMAL, 13, 8000, 4);
        List<AudioChunk> chunks = TestAudio.chunks("d", x, 8000, 0.3, 0, TestAudio.T0);
        DeviceStream d = new DeviceStream(SPEC, 8, 2_000_000);
        Sink s = new Sink();
        MapBlocks blocks = new MapBlocks();
        s.stream = d;
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk c = chunks.get(i);
            d.accept(new Piece(c.sequence(), c.captureTimeMicros(), c.sampleRate(), c.samples()), s);
            byte[] head = DeviceStreamCodec.save(d, blocks);
            if (i == 30) { // restore mid-stream and carry on with the restored copy
                DeviceStream back = DeviceStreamCodec.load(head, blocks, SPEC, 8, 2_000_000);
                assertEquals(d.bufferedSamples(), back.bufferedSamples());
                d = back;
                s.stream = d;
            }
        }
        long total = (d.bufferedSamples() + d.bufferStart) / DeviceStreamCodec.BLOCK_SAMPLES;
        assertEquals(total, blocks.writes); // every complete block written exactly once
        assertTrue(blocks.map.size() <= (128000 + 32000) / DeviceStreamCodec.BLOCK_SAMPLES + 1, "kept " + blocks.map.size());
        assertEquals(3, s.windows.size());
        DeviceStream ref = new DeviceStream(SPEC, 8, 2_000_000);
        Sink r = new Sink();
        feed(ref, r, chunks);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(r.windows.get(i).logMel().data(), s.windows.get(i).logMel().data());
        }
    }

    private static void feed(DeviceStream d, Sink s, List<AudioChunk> chunks) {
        s.stream = d;
        for (AudioChunk c : chunks) {
            d.accept(new Piece(c.sequence(), c.captureTimeMicros(), c.sampleRate(), c.samples()), s);
        }
    }

    @Test
    void windowsMatchTheOfflineFrontEndOnTheSameResampledAudio() {
        float[] x = TestAudio.synth(SoundKind.WHEEZE, 12.3, 44100, 5);
        DeviceStream d = new DeviceStream(SPEC, 8, 2_000_000);
        Sink s = new Sink();
        feed(d, s, TestAudio.chunks("d", x, 44100, 0.25, 0, TestAudio.T0));
        assertEquals(3, s.windows.size()); // starts 0, 2, 4 s; 6 s would end at 14 s
        float[] whole = Resampling.resample(x, 44100, 16000);
        FeatureExtractor fx = new FeatureExtractor(SPEC);
        for (int i = 0; i < 3; i++) {
            DeviceStream.Window w = s.windows.get(i);
            assertEquals(i * 32000L, w.startSample());
            assertEquals(TestAudio.T0 + i * 2_000_000L, w.startMicros());
            assertEquals(w.startMicros() + 8_000_000L, w.endMicros());
            float[] offline = Arrays.copyOfRange(whole, i * 32000, i * 32000 + 128000);
            double maxSample = 0;
            for (int k = 0; k < offline.length; k++) {
                maxSample = Math.max(maxSample, Math.abs(offline[k] - w.samples()[k]));
            }
            assertTrue(maxSample < 1e-4, "samples differ by " + maxSample);
            // Features of the streamed samples equal the offline front end's on the same samples, bit for bit.
            FeatureMatrix ref = fx.logMel(w.samples());
            assertArrayEquals(ref.data(), w.logMel().data());
        }
    }

    @Test
    void duplicatesAndReorderingGiveTheSameWindowsAsOrderedInput() {
        float[] x = TestAudio.synth(SoundKind.NORMAL, 11, 8000, 2);
        List<AudioChunk> ordered = TestAudio.chunks("d", x, 8000, 0.5, 0, TestAudio.T0);
        List<AudioChunk> shuffled = new ArrayList<>(ordered);
        java.util.Collections.swap(shuffled, 3, 5);
        java.util.Collections.swap(shuffled, 10, 11);
        shuffled.add(7, ordered.get(2)); // a late duplicate
        shuffled.add(12, ordered.get(12)); // an immediate duplicate
        Sink a = new Sink();
        Sink b = new Sink();
        DeviceStream da = new DeviceStream(SPEC, 4, 2_000_000);
        DeviceStream db = new DeviceStream(SPEC, 4, 2_000_000);
        feed(da, a, ordered);
        feed(db, b, shuffled);
        assertEquals(2, db.duplicates());
        assertEquals(0, db.missingSequences());
        assertEquals(a.windows.size(), b.windows.size());
        for (int i = 0; i < a.windows.size(); i++) {
            assertEquals(a.windows.get(i).startMicros(), b.windows.get(i).startMicros());
            assertArrayEquals(a.windows.get(i).samples(), b.windows.get(i).samples());
        }
    }

    @Test
    void aShortGapIsFilledWithSilenceAndALongOneRestartsWindowing() {
        float[] x = TestAudio.synth(SoundKind.NORMAL, 14, 16000, 2);
        List<AudioChunk> chunks = new ArrayList<>(TestAudio.chunks("d", x, 16000, 0.5, 0, TestAudio.T0));
        chunks.remove(5); // 0.5 s lost
        DeviceStream d = new DeviceStream(SPEC, 2, 2_000_000);
        Sink s = new Sink();
        feed(d, s, chunks);
        assertEquals(1, d.missingSequences());
        assertEquals(0, d.restarts());
        assertEquals(List.of(0L, 2_000_000L, 4_000_000L, 6_000_000L), s.windows.stream().map(w -> w.startMicros() - TestAudio.T0)
                .toList()); // capture times unchanged by the gap
        float[] hole = Arrays.copyOfRange(s.windows.get(0).samples(), 40000, 48000);
        assertArrayEquals(new float[8000], hole);

        // 5 s later (sequence numbers contiguous: an agent restarted after a pause) a new segment starts.
        long t1 = TestAudio.T0 + 19_000_000L;
        feed(d, s, TestAudio.chunks("d", x, 16000, 0.5, 28, t1));
        assertEquals(1, d.restarts());
        assertEquals(1, s.restarts);
        assertEquals(8, s.windows.size());
        assertEquals(t1, s.windows.get(4).startMicros());
        assertEquals(t1 + 6_000_000L, s.windows.get(7).startMicros());
    }

    @Test
    void storedStateResumesWithIdenticalWindowsAndRecomputesUnemittedOnes() {
        float[] x = TestAudio.synth(SoundKind.CRACKLE, 16, 22050, 9);
        List<AudioChunk> chunks = TestAudio.chunks("d", x, 22050, 0.25, 0, TestAudio.T0);
        DeviceStream whole = new DeviceStream(SPEC, 8, 2_000_000);
        Sink all = new Sink();
        feed(whole, all, chunks);

        DeviceStream first = new DeviceStream(SPEC, 8, 2_000_000);
        Sink part = new Sink();
        feed(first, part, chunks.subList(0, 44)); // 11 s: windows 0 and 2 s out
        part.emit = false;
        feed(first, part, chunks.subList(44, 49)); // window at 4 s computed, prediction not out
        assertEquals(3, part.windows.size());
        assertEquals(1, first.unemitted());
        MapBlocks blocks = new MapBlocks();
        byte[] head = DeviceStreamCodec.save(first, blocks);
        assertTrue(head.length < DeviceStreamCodec.BLOCK_SAMPLES * 4 + 2048, "head of " + head.length + " bytes");
        // Only blocks a window still needs are kept: from the window at 4 s (64000) on.
        assertEquals(64000 / DeviceStreamCodec.BLOCK_SAMPLES, blocks.map.keySet().stream().mapToLong(b -> b).min()
                .orElseThrow());

        DeviceStream back = DeviceStreamCodec.load(head, blocks, SPEC, 8, 2_000_000);
        Sink rest = new Sink();
        rest.stream = back;
        assertEquals(1, back.rewindUnemitted());
        back.pollWindows(rest);
        feed(back, rest, chunks.subList(49, chunks.size()));
        List<DeviceStream.Window> resumed = new ArrayList<>(part.windows.subList(0, 2));
        resumed.addAll(rest.windows);
        assertEquals(all.windows.size(), resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertEquals(all.windows.get(i).startMicros(), resumed.get(i).startMicros());
            assertArrayEquals(all.windows.get(i).logMel().data(), resumed.get(i).logMel().data());
        }
    }

    @Test
    void anAgentThatRestartsItsNumberingAfterAPauseIsFollowedNotDropped() {
        float[] x = TestAudio.synth(SoundKind.NORMAL, 10, 16000, 6);
        DeviceStream d = new DeviceStream(SPEC, 4, 2_000_000);
        Sink s = new Sink();
        feed(d, s, TestAudio.chunks("d", x, 16000, 0.5, 100, TestAudio.T0));
        feed(d, s, TestAudio.chunks("d", x, 16000, 0.5, 119, TestAudio.T0 + 9_500_000L)); // a real duplicate
        assertEquals(1, d.duplicates());
        long t1 = TestAudio.T0 + 60_000_000L;
        feed(d, s, TestAudio.chunks("d", x, 16000, 0.5, 0, t1)); // numbering from 0 again, a minute later
        assertEquals(1, d.restarts());
        assertEquals(1, d.duplicates());
        assertEquals(t1, s.windows.get(s.windows.size() - 2).startMicros());
    }
}
