package io.stethostream.streams.audio;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.streams.audio.ChunkReassembler.Piece;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link DeviceStream}, in two parts so that the changelog carries each sample about once:
 * <ul>
 * <li><b>audio blocks</b>: the model-rate samples in fixed blocks of {@value #BLOCK_SAMPLES} by absolute position,
 * each written once when complete and deleted when no window needs it any more;</li>
 * <li><b>the head</b> (rewritten after every change, small): reassembly buffer, resampler tail, segment and window
 * positions, counters, and the samples of the block not yet complete.</li>
 * </ul>
 * Rewriting one window of float samples per device at every commit would be ~640 kB per device per commit; this way
 * it is the audio itself (64 kB/s per device at 16 kHz) plus a head of at most ~20 kB. The log-mel cache is not
 * stored; it is recomputed from the samples, which gives bit-identical windows.
 */
public final class DeviceStreamCodec {

    /** Samples per stored audio block (256 ms at 16 kHz). */
    public static final int BLOCK_SAMPLES = 4096;
    private static final int VERSION = 1;

    /** One device's audio blocks, by absolute block index. */
    public interface BlockStore {
        byte[] get(long block);

        void put(long block, byte[] value);

        void delete(long block);
    }

    private DeviceStreamCodec() {
    }

    /** Writes the blocks completed since the last save, deletes those no window needs, and returns the head. */
    public static byte[] save(DeviceStream d, BlockStore blocks) {
        long end = d.bufferStart + d.count;
        long completeBelow = end / BLOCK_SAMPLES;
        for (long b = Math.max(d.blocksWritten, d.bufferStart / BLOCK_SAMPLES); b < completeBelow; b++) {
            long from = Math.max(b * BLOCK_SAMPLES, d.bufferStart);
            long to = (b + 1) * BLOCK_SAMPLES;
            blocks.put(b, block((int) (from - b * BLOCK_SAMPLES), d.buffer, (int) (from - d.bufferStart),
                    (int) (to - from)));
        }
        d.blocksWritten = Math.max(d.blocksWritten, completeBelow);
        long firstNeeded = d.bufferStart / BLOCK_SAMPLES;
        for (long b = d.blocksFrom; b < Math.min(firstNeeded, d.blocksWritten); b++) {
            blocks.delete(b);
        }
        d.blocksFrom = Math.max(d.blocksFrom, Math.min(firstNeeded, d.blocksWritten));
        return encodeHead(d);
    }

    /**
     * Restores a device stream.
     *
     * @param spec             the feature spec with the hop in force (must be the one the state was written with)
     * @param reorderCapacity  as configured now
     * @param gapRestartMicros as configured now
     */
    public static DeviceStream load(byte[] head, BlockStore blocks, FeatureSpec spec, int reorderCapacity,
                                    long gapRestartMicros) {
        DeviceStream d = new DeviceStream(spec, reorderCapacity, gapRestartMicros);
        float[] tail;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(head))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("device state version " + version + "; this build reads " + VERSION);
            }
            long expected = in.readLong();
            int n = in.readInt();
            List<Piece> waiting = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                waiting.add(new Piece(in.readLong(), in.readLong(), in.readInt(), readFloats(in)));
            }
            d.reassembler = new ChunkReassembler(reorderCapacity, expected, waiting);
            d.lastEndMicros = in.readLong();
            if (in.readBoolean()) {
                int rate = in.readInt();
                long tailStart = in.readLong();
                long produced = in.readLong();
                d.resampler = new StreamResampler(rate, spec.sampleRate(), tailStart, readFloats(in), produced);
            }
            d.segmentStartSample = in.readLong();
            d.segmentStartMicros = in.readLong();
            d.bufferStart = in.readLong();
            d.blocksWritten = in.readLong();
            d.blocksFrom = in.readLong();
            tail = readFloats(in);
            d.nextWindowStart = in.readLong();
            d.firstUnemitted = in.readLong();
            d.chunks = in.readLong();
            d.duplicates = in.readLong();
            d.missingSequences = in.readLong();
            d.restarts = in.readLong();
            d.windows = in.readLong();
        } catch (IOException e) {
            throw new IllegalStateException("device state is corrupt: " + e.getMessage(), e);
        }
        long tailStart = Math.max(d.bufferStart, d.blocksWritten * BLOCK_SAMPLES);
        int total = (int) (tailStart - d.bufferStart) + tail.length;
        d.buffer = new float[total];
        for (long b = d.bufferStart / BLOCK_SAMPLES; b < d.blocksWritten; b++) {
            long from = Math.max(b * BLOCK_SAMPLES, d.bufferStart);
            byte[] bytes = blocks.get(b);
            if (bytes == null) {
                throw new IllegalStateException("audio block " + b + " missing from the store");
            }
            readBlock(bytes, from - b * BLOCK_SAMPLES, d.buffer, (int) (from - d.bufferStart),
                    (int) ((b + 1) * BLOCK_SAMPLES - from));
        }
        System.arraycopy(tail, 0, d.buffer, (int) (tailStart - d.bufferStart), tail.length);
        d.count = total;
        return d;
    }

    private static byte[] encodeHead(DeviceStream d) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(BLOCK_SAMPLES * 4 + 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(d.reassembler.expected());
            List<Piece> waiting = d.reassembler.waiting();
            out.writeInt(waiting.size());
            for (Piece p : waiting) {
                out.writeLong(p.sequence());
                out.writeLong(p.captureTimeMicros());
                out.writeInt(p.sampleRate());
                writeFloats(out, p.samples(), 0, p.samples().length);
            }
            out.writeLong(d.lastEndMicros);
            boolean started = d.resampler != null;
            out.writeBoolean(started);
            if (started) {
                out.writeInt(d.resampler.fromRate());
                out.writeLong(d.resampler.tailStart());
                out.writeLong(d.resampler.produced());
                writeFloats(out, d.resampler.tail(), 0, d.resampler.tail().length);
            }
            out.writeLong(d.segmentStartSample);
            out.writeLong(d.segmentStartMicros);
            out.writeLong(d.bufferStart);
            out.writeLong(d.blocksWritten);
            out.writeLong(d.blocksFrom);
            long tailStart = Math.max(d.bufferStart, d.blocksWritten * BLOCK_SAMPLES);
            int from = (int) (tailStart - d.bufferStart);
            writeFloats(out, d.buffer, from, d.count - from);
            out.writeLong(d.nextWindowStart);
            out.writeLong(d.firstUnemitted);
            out.writeLong(d.chunks);
            out.writeLong(d.duplicates);
            out.writeLong(d.missingSequences);
            out.writeLong(d.restarts);
            out.writeLong(d.windows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A block value: the offset of its first sample inside the block, then the samples to the block's end. */
    private static byte[] block(int offset, float[] src, int from, int n) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + n * 4);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(offset);
            writeFloats(out, src, from, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void readBlock(byte[] bytes, long needFrom, float[] dst, int at, int n) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int offset = in.readInt();
            float[] s = readFloats(in);
            if (offset > needFrom || offset + s.length < needFrom + n) {
                throw new IllegalStateException("audio block holds " + offset + ".." + (offset + s.length)
                        + ", need " + needFrom + ".." + (needFrom + n));
            }
            System.arraycopy(s, (int) (needFrom - offset), dst, at, n);
        } catch (IOException e) {
            throw new IllegalStateException("audio block is corrupt: " + e.getMessage(), e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] a, int from, int n) throws IOException {
        out.writeInt(n);
        // Big-endian IEEE floats, as DataOutputStream.writeFloat writes them, converted in bulk.
        ByteBuffer b = ByteBuffer.allocate(n * 4);
        b.asFloatBuffer().put(a, from, n);
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n * 4];
        in.readFully(b);
        float[] a = new float[n];
        ByteBuffer.wrap(b).asFloatBuffer().get(a);
        return a;
    }
}
