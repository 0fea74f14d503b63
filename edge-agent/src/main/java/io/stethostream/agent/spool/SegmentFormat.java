package io.stethostream.agent.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of a spool segment file.
 *
 * <pre>
 * header: "SSPL" u8 version (1) u8[3] zero
 * record: i32 payload length, i32 CRC-32C of the payload, payload = i64 sequence, i64 append time (ms), value bytes
 * </pre>
 * Big-endian. A record is valid only when its whole payload is present and its CRC matches; the first invalid record
 * ends the readable part of a segment (a crash can leave a torn last record; anything else is corruption).
 */
final class SegmentFormat {

    static final int HEADER_BYTES = 8;
    static final int FRAME_BYTES = 8;
    static final int PAYLOAD_FIXED = 16;
    /** Far above any codec chunk (10 s of 48 kHz float is under 2 MB): a larger length is garbage. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;
    private static final byte[] MAGIC = "SSPL".getBytes(StandardCharsets.US_ASCII);
    private static final byte VERSION = 1;

    private SegmentFormat() {
    }

    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).put(VERSION).put(new byte[3]);
        return b.flip();
    }

    /** Null when the header is valid, else why not. */
    static String checkHeader(FileChannel ch) throws IOException {
        if (ch.size() < HEADER_BYTES) {
            return "shorter than its header";
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        readFully(ch, b, 0);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return "not a spool segment (bad magic)";
            }
        }
        if (b.get(4) != VERSION) {
            return "segment format version " + b.get(4) + ", this build reads " + VERSION;
        }
        return null;
    }

    static int frameSize(byte[] value) {
        return FRAME_BYTES + PAYLOAD_FIXED + value.length;
    }

    static ByteBuffer frame(long sequence, long appendMillis, byte[] value) {
        int payload = PAYLOAD_FIXED + value.length;
        ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES + payload);
        b.putInt(payload).putInt(0).putLong(sequence).putLong(appendMillis).put(value);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), FRAME_BYTES, payload);
        b.putInt(4, (int) crc.getValue());
        return b.flip();
    }

    /** The outcome of reading one record at a position: a record, the end of the data, or a bad record. */
    record Read(SpoolRecord record, long nextPosition, String problem) {
        boolean ok() {
            return record != null;
        }
    }

    /**
     * Reads the record at {@code position}, not past {@code end}.
     *
     * @param headerOnly skip the value (used for scanning): the record's value is then an empty array
     */
    static Read read(FileChannel ch, long position, long end, boolean headerOnly) throws IOException {
        if (position == end) {
            return new Read(null, position, null);
        }
        if (end - position < FRAME_BYTES) {
            return new Read(null, position, "torn record frame (" + (end - position) + " bytes)");
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
        readFully(ch, frame, position);
        int length = frame.getInt(0);
        int crc = frame.getInt(4);
        if (length < PAYLOAD_FIXED || length > MAX_PAYLOAD) {
            return new Read(null, position, "invalid record length " + length);
        }
        if (end - position - FRAME_BYTES < length) {
            return new Read(null, position, "torn record (" + (end - position - FRAME_BYTES) + " of " + length
                    + " payload bytes)");
        }
        // The CRC has to be checked even when scanning: it is what tells a torn or corrupt tail from a good record.
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, position + FRAME_BYTES);
        CRC32C c = new CRC32C();
        c.update(payload.array(), 0, length);
        if ((int) c.getValue() != crc) {
            return new Read(null, position, "CRC mismatch");
        }
        long seq = payload.getLong(0);
        long millis = payload.getLong(8);
        byte[] value = new byte[headerOnly ? 0 : length - PAYLOAD_FIXED];
        if (!headerOnly) {
            System.arraycopy(payload.array(), PAYLOAD_FIXED, value, 0, value.length);
        }
        return new Read(new SpoolRecord(seq, millis, value), position + FRAME_BYTES + length, null);
    }

    static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("unexpected end of spool segment at " + p);
            }
            p += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }
}
