package io.stethostream.streams.audio;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.streams.audio.ChunkReassembler.Piece;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link DeviceStream} (value of the {@code device-state} store): a versioned binary record of
 * the reassembly buffer, the resampler tail, the segment and window positions, the model-rate samples from the first
 * window not yet emitted, and the counters. The log-mel cache is not stored; it is recomputed from the samples, which
 * gives bit-identical windows. At 16 kHz, 8 s windows and a 2 s hop it is about 640 kB per device.
 */
public final class DeviceStreamCodec {

    private static final int VERSION = 1;

    private DeviceStreamCodec() {
    }

    public static byte[] encode(DeviceStream d) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(d.count * 4 + 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(d.reassembler.expected());
            List<Piece> waiting = d.reassembler.waiting();
            out.writeInt(waiting.size());
            for (Piece p : waiting) {
                out.writeLong(p.sequence());
                out.writeLong(p.captureTimeMicros());
                out.writeInt(p.sampleRate());
                writeFloats(out, p.samples(), p.samples().length);
            }
            out.writeLong(d.lastEndMicros);
            boolean started = d.resampler != null;
            out.writeBoolean(started);
            if (started) {
                out.writeInt(d.resampler.fromRate());
                out.writeLong(d.resampler.tailStart());
                out.writeLong(d.resampler.produced());
                writeFloats(out, d.resampler.tail(), d.resampler.tail().length);
            }
            out.writeLong(d.segmentStartSample);
            out.writeLong(d.segmentStartMicros);
            out.writeLong(d.bufferStart);
            writeFloats(out, d.buffer, d.count);
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

    /**
     * @param spec             the feature spec with the hop in force (must be the one the state was written with)
     * @param reorderCapacity  as configured now
     * @param gapRestartMicros as configured now
     */
    public static DeviceStream decode(byte[] bytes, FeatureSpec spec, int reorderCapacity, long gapRestartMicros) {
        DeviceStream d = new DeviceStream(spec, reorderCapacity, gapRestartMicros);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
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
            d.buffer = readFloats(in);
            d.count = d.buffer.length;
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
        return d;
    }

    private static void writeFloats(DataOutputStream out, float[] a, int n) throws IOException {
        out.writeInt(n);
        byte[] b = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(a[i]);
            b[4 * i] = (byte) (bits >>> 24);
            b[4 * i + 1] = (byte) (bits >>> 16);
            b[4 * i + 2] = (byte) (bits >>> 8);
            b[4 * i + 3] = (byte) bits;
        }
        out.write(b);
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n * 4];
        in.readFully(b);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.intBitsToFloat((b[4 * i] & 0xff) << 24 | (b[4 * i + 1] & 0xff) << 16
                    | (b[4 * i + 2] & 0xff) << 8 | (b[4 * i + 3] & 0xff));
        }
        return a;
    }
}
