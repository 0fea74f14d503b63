package io.stethostream.agent.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolTest {

    private static final SpoolConfig SMALL = new SpoolConfig(64 * 1024, 4 * 1024, Duration.ofHours(1));

    @TempDir
    Path dir;

    private static byte[] value(long seq, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }

    private static void appendRange(Spool s, long from, long to, int size) throws IOException {
        for (long q = from; q < to; q++) {
            s.append(q, value(q, size));
        }
    }

    private static List<Long> sequences(List<SpoolRecord> records) {
        List<Long> out = new ArrayList<>();
        records.forEach(r -> out.add(r.sequence()));
        return out;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void readsInOrderAndReleasesOnlyWhatWasAcknowledged() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            appendRange(s, 0, 10, 300);
            List<SpoolRecord> all = s.read(0, 100, 1 << 20);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), sequences(all));
            assertArrayEquals(value(7, 300), all.get(7).value());
            assertEquals(List.of(3L, 4L), sequences(s.read(3, 2, 1 << 20)));
            s.acknowledge(4);
            assertEquals(5, s.status().unsentRecords());
            assertEquals(5L, s.read(0, 1, 1).get(0).sequence(), "acknowledged records are never read again");
            assertEquals(10, s.nextSequence());
        }
    }

    @Test
    void survivesRestartAndSequenceNumbersContinueAfterItEmptied() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            appendRange(s, 0, 40, 300);
            s.acknowledge(19);
        }
        try (Spool s = Spool.open(dir, SMALL)) {
            assertEquals(40, s.nextSequence());
            assertEquals(20, s.status().unsentRecords());
            assertEquals(20L, s.read(0, 1, 1).get(0).sequence());
            s.acknowledge(39);
            assertEquals(0, s.status().unsentRecords());
            assertEquals(-1, s.status().oldestUnsentMillis());
        }
        try (Spool s = Spool.open(dir, SMALL)) {
            assertEquals(40, s.nextSequence(), "the released mark keeps numbering going when no segment is left");
            assertTrue(s.read(0, 10, 1 << 20).isEmpty());
            s.append(40, value(40, 10));
            assertThrows(IllegalArgumentException.class, () -> s.append(40, value(40, 10)));
        }
    }

    @Test
    void tornLastRecordAfterACrashIsDetectedAndTruncated() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            appendRange(s, 0, 3, 200);
        }
        Path seg = segmentFiles().get(segmentFiles().size() - 1);
        long goodSize = Files.size(seg);
        // What a crash in the middle of a write leaves: a frame announcing 1000 bytes, and only 10 of them.
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(goodSize);
            f.writeInt(1000);
            f.writeInt(12345);
            f.write(new byte[10]);
        }
        String log = stderrOf(() -> {
            try (Spool s = Spool.open(dir, SMALL)) {
                assertEquals(3, s.nextSequence());
                assertEquals(List.of(0L, 1L, 2L), sequences(s.read(0, 10, 1 << 20)));
                s.append(3, value(3, 200));
                assertEquals(List.of(0L, 1L, 2L, 3L), sequences(s.read(0, 10, 1 << 20)));
            }
        });
        assertEquals(goodSize, Files.size(seg), "the torn tail is cut off");
        assertTrue(log.contains("torn record"), log);
    }

    @Test
    void crcMismatchEndsTheSegmentThere() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            appendRange(s, 0, 5, 200);
        }
        Path seg = segmentFiles().get(0);
        int frame = SegmentFormat.frameSize(new byte[200]);
        // Flip one value byte of record 3 (header 8 bytes, then 5 equal frames).
        long offset = SegmentFormat.HEADER_BYTES + 3L * frame + frame - 5;
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
        String log = stderrOf(() -> {
            try (Spool s = Spool.open(dir, SMALL)) {
                assertEquals(List.of(0L, 1L, 2L), sequences(s.read(0, 10, 1 << 20)));
                assertEquals(3, s.nextSequence(), "numbering continues after the last good record");
            }
        });
        assertTrue(log.contains("CRC mismatch"), log);
        assertEquals(SegmentFormat.HEADER_BYTES + 3L * frame, Files.size(seg));
    }

    @Test
    void fullSpoolDropsTheOldestSegmentsAndSaysSo() throws IOException {
        List<SpoolDrop> drops = new ArrayList<>();
        String log = stderrOf(() -> {
            try (Spool s = Spool.open(dir, SMALL, drops::add, System::currentTimeMillis)) {
                appendRange(s, 0, 400, 1000);
                SpoolStatus st = s.status();
                assertTrue(st.diskBytes() <= SMALL.maxBytes(), "size limit kept: " + st.diskBytes());
                List<SpoolRecord> left = s.read(0, 1000, Long.MAX_VALUE);
                long first = left.get(0).sequence();
                assertTrue(first > 0, "the oldest audio went first");
                assertEquals(399, left.get(left.size() - 1).sequence(), "the newest audio is kept");
                assertEquals(400 - first, left.size(), "what is left is contiguous");
                assertEquals(first, st.droppedRecords());
                assertEquals(first, drops.get(drops.size() - 1).totalDropped());
                assertTrue(drops.stream().allMatch(d -> d.reason() == SpoolDrop.Reason.SIZE));
            }
        });
        assertTrue(log.contains("WARN") && log.contains("spool full (size limit): dropped the 1 oldest segment(s)"),
                log);
    }

    @Test
    void recordsOlderThanTheAgeLimitAreDropped() throws IOException {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<SpoolDrop> drops = new ArrayList<>();
        SpoolConfig cfg = SMALL.withMaxAge(Duration.ofMinutes(10));
        try (Spool s = Spool.open(dir, cfg, drops::add, now::get)) {
            appendRange(s, 0, 20, 1000);
            now.addAndGet(Duration.ofMinutes(11).toMillis());
            s.append(20, value(20, 1000));
            assertEquals(SpoolDrop.Reason.AGE, drops.get(0).reason());
            assertTrue(s.read(0, 100, Long.MAX_VALUE).get(0).sequence() > 0);
        }
        // Reopened after a long stop: old closed segments go at once.
        now.addAndGet(Duration.ofHours(1).toMillis());
        try (Spool s = Spool.open(dir, cfg, drops::add, now::get)) {
            assertEquals(0, s.status().unsentRecords());
            assertEquals(21, s.nextSequence(), "dropping never rewinds the numbering");
        }
    }

    @Test
    void aGapStartsANewSegmentAndReadsSkipIt() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            appendRange(s, 0, 2, 100);
            s.append(5, value(5, 100));
            assertEquals(List.of(0L, 1L, 5L), sequences(s.read(0, 10, 1 << 20)));
            assertEquals(3, s.status().unsentRecords());
        }
        try (Spool s = Spool.open(dir, SMALL)) {
            assertEquals(List.of(0L, 1L, 5L), sequences(s.read(0, 10, 1 << 20)));
            assertEquals(6, s.nextSequence());
        }
    }

    @Test
    void oneSpoolDirectoryServesOneAgent() throws IOException {
        try (Spool s = Spool.open(dir, SMALL)) {
            IOException e = assertThrows(IOException.class, () -> Spool.open(dir, SMALL));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void oldestUnsentAgeFollowsAcknowledgements() throws IOException {
        AtomicLong now = new AtomicLong(5_000);
        try (Spool s = Spool.open(dir, SMALL, d -> { }, now::get)) {
            for (long q = 0; q < 6; q++) {
                s.append(q, value(q, 50));
                now.addAndGet(250);
            }
            assertEquals(5_000, s.status().oldestUnsentMillis());
            s.acknowledge(2);
            assertEquals(5_750, s.status().oldestUnsentMillis());
        }
    }

    /** Runs {@code body} and returns what it (and the logger, slf4j-simple on stderr) printed to stderr. */
    static String stderrOf(IoRunnable body) throws IOException {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        old.print(text);
        return text;
    }

    /** A body that may throw IOException. */
    interface IoRunnable {
        void run() throws IOException;
    }
}
