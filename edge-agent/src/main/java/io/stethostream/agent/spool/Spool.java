package io.stethostream.agent.spool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A bounded, crash-safe, append-only store of encoded chunks waiting for the broker's acknowledgement.
 *
 * <p>Records live in segment files ({@link SegmentFormat}) named by their first sequence number. Every append is
 * written and fsync'd before it returns, so a record the capture thread handed over survives a crash or power loss.
 * Records are read back in sequence order and leave the spool only through {@link #acknowledge} (the broker has them)
 * or the drop policy. On open, each segment is scanned: a torn or corrupt record ends its segment's readable part,
 * the file is truncated there and the loss is logged.
 *
 * <p>Policy when full: before an append that would exceed {@link SpoolConfig#maxBytes}, and for records older than
 * {@link SpoolConfig#maxAge}, the <em>oldest</em> closed segments are deleted, sent or not, and the loss is logged at
 * WARN with counts ({@link SpoolDrop}). Newest audio is kept because a monitor cares most about the present.
 *
 * <p>One appender (the capture thread) and one reader (the sender) may use it concurrently; methods are synchronized
 * and each holds the lock for at most one fsync or a bounded read.
 */
public final class Spool implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path dir;
    private final SpoolConfig config;
    private final Consumer<SpoolDrop> dropListener;
    private final LongSupplier clock;
    private final ReleaseMark mark;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private FileChannel activeChannel;
    private long released;
    private long nextSequence;
    private long droppedRecords;
    private long diskBytes;
    // Where the last read stopped, so that the sender's next read does not rescan its segment.
    private long cursorSegment = -1;
    private long cursorPosition;
    private long cursorSequence;
    private boolean closed;

    private Spool(Path dir, SpoolConfig config, Consumer<SpoolDrop> dropListener, LongSupplier clock,
                  FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.config = config;
        this.dropListener = dropListener;
        this.clock = clock;
        this.mark = new ReleaseMark(dir);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (or creates) the spool in {@code dir}, logging drops at WARN. */
    public static Spool open(Path dir, SpoolConfig config) throws IOException {
        return open(dir, config, drop -> { }, System::currentTimeMillis);
    }

    /**
     * Opens (or creates) the spool in {@code dir} and recovers it after a crash.
     *
     * @param dropListener told of every drop under the size or age policy (after it was logged at WARN)
     * @param clock        wall clock in epoch milliseconds (the age limit; tests move it)
     * @throws IOException when the directory cannot be used or another agent holds it
     */
    public static Spool open(Path dir, SpoolConfig config, Consumer<SpoolDrop> dropListener, LongSupplier clock)
            throws IOException {
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("spool " + dir + " is in use by another agent");
        }
        Consumer<SpoolDrop> listener = drop -> {
            LOG.warn(drop.describe());
            dropListener.accept(drop);
        };
        Spool spool = new Spool(dir, config, listener, clock, lockChannel, lock);
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private void recover() throws IOException {
        released = mark.read();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.seg")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        long expected = -1;
        for (Path f : files) {
            long base;
            try {
                base = Long.parseLong(f.getFileName().toString().replace(".seg", ""));
            } catch (NumberFormatException e) {
                LOG.warn("spool: ignoring {}: not a segment name", f);
                continue;
            }
            Segment s = scan(f, base);
            if (s == null || s.isEmpty() || s.lastSequence < released) {
                Files.delete(f);
                continue;
            }
            if (expected >= 0 && s.baseSequence != expected) {
                LOG.warn("spool: sequence gap {}..{} before {} (records lost to corruption or a drop)", expected,
                        s.baseSequence - 1, f.getFileName());
            }
            expected = s.lastSequence + 1;
            segments.put(base, s);
            diskBytes += s.sizeBytes;
        }
        ReleaseMark.syncDirectory(dir);
        nextSequence = Math.max(released, segments.isEmpty() ? 0 : segments.lastEntry().getValue().lastSequence + 1);
        enforceAge();
        SpoolStatus st = statusLocked();
        if (st.unsentRecords() > 0) {
            LOG.info("spool {}: {} unsent chunk(s) from an earlier run, sequence {}..{}; they are sent first", dir,
                    st.unsentRecords(), Math.max(released, segments.firstKey()), nextSequence - 1);
        }
    }

    /** Reads a segment's records' headers; truncates a torn or corrupt tail. Null if the file is unusable. */
    private Segment scan(Path f, long base) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            String bad = SegmentFormat.checkHeader(ch);
            if (bad != null) {
                LOG.warn("spool: deleting {}: {} ({} bytes)", f.getFileName(), bad, ch.size());
                return null;
            }
            Segment s = new Segment(f, base);
            long end = ch.size();
            long pos = SegmentFormat.HEADER_BYTES;
            while (true) {
                SegmentFormat.Read r = SegmentFormat.read(ch, pos, end, true);
                if (!r.ok() && r.problem() == null) {
                    break;
                }
                if (r.ok() && r.record().sequence() != s.lastSequence + 1) {
                    r = new SegmentFormat.Read(null, pos, "sequence " + r.record().sequence() + " where "
                            + (s.lastSequence + 1) + " was expected");
                }
                if (!r.ok()) {
                    LOG.warn("spool: {} at byte {} of {}: truncating {} byte(s) after sequence {} (a crash during a "
                            + "write leaves a torn last record; anything else is disk corruption)", r.problem(), pos,
                            f.getFileName(), end - pos, s.lastSequence);
                    ch.truncate(pos);
                    ch.force(true);
                    break;
                }
                if (s.isEmpty()) {
                    s.firstAppendMillis = r.record().appendMillis();
                }
                s.lastSequence = r.record().sequence();
                s.lastAppendMillis = r.record().appendMillis();
                pos = r.nextPosition();
            }
            s.sizeBytes = pos;
            return s;
        }
    }

    /** The sequence number the next {@link #append} must carry: continues across restarts and empty spools. */
    public synchronized long nextSequence() {
        return nextSequence;
    }

    /**
     * Appends one record and fsyncs it; may first drop the oldest segments under the size or age policy.
     *
     * @param sequence at least {@link #nextSequence()}; normally equal (a larger one leaves a gap)
     */
    public synchronized void append(long sequence, byte[] value) throws IOException {
        ensureOpen();
        if (sequence < nextSequence) {
            throw new IllegalArgumentException("spool expects sequence " + nextSequence + " or later, got " + sequence);
        }
        long now = clock.getAsLong();
        int size = SegmentFormat.frameSize(value);
        // A gap (a chunk the disk refused) starts a new segment: sequence numbers stay contiguous inside each one.
        if (active == null || sequence != nextSequence
                || (active.sizeBytes + size > config.segmentBytes() && !active.isEmpty())) {
            roll(sequence);
        }
        enforceSize(size);
        enforceAge();
        SegmentFormat.writeFully(activeChannel, SegmentFormat.frame(sequence, now, value), active.sizeBytes);
        activeChannel.force(false);
        if (active.isEmpty()) {
            active.firstAppendMillis = now;
        }
        active.lastSequence = sequence;
        active.lastAppendMillis = now;
        active.sizeBytes += size;
        diskBytes += size;
        nextSequence = sequence + 1;
        notifyAll();
    }

    private void roll(long base) throws IOException {
        closeActive();
        Segment s = new Segment(dir.resolve(Segment.fileName(base)), base);
        FileChannel ch = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            SegmentFormat.writeFully(ch, SegmentFormat.header(), 0);
            ch.force(true);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        ReleaseMark.syncDirectory(dir);
        active = s;
        activeChannel = ch;
        segments.put(base, s);
        diskBytes += s.sizeBytes;
    }

    private void enforceSize(int incoming) throws IOException {
        List<Segment> victims = new ArrayList<>();
        long bytes = diskBytes + incoming;
        for (Segment s : segments.values()) {
            if (bytes <= config.maxBytes() || s == active) {
                break;
            }
            victims.add(s);
            bytes -= s.sizeBytes;
        }
        drop(victims, SpoolDrop.Reason.SIZE);
    }

    private void enforceAge() throws IOException {
        long limit = clock.getAsLong() - config.maxAge().toMillis();
        List<Segment> victims = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s == active || s.lastAppendMillis >= limit) {
                break;
            }
            victims.add(s);
        }
        drop(victims, SpoolDrop.Reason.AGE);
    }

    private void drop(List<Segment> victims, SpoolDrop.Reason reason) throws IOException {
        if (victims.isEmpty()) {
            return;
        }
        long unsent = 0;
        for (Segment s : victims) {
            unsent += s.recordsFrom(released);
        }
        long first = Math.max(released, victims.get(0).baseSequence);
        long last = victims.get(victims.size() - 1).lastSequence;
        // The mark goes first: after a crash between the two steps, records below it are ignored, never resent twice.
        released = Math.max(released, last + 1);
        mark.write(released);
        for (Segment s : victims) {
            deleteSegment(s);
        }
        if (unsent > 0) {
            droppedRecords += unsent;
            dropListener.accept(new SpoolDrop(reason, victims.size(), unsent, first, last, droppedRecords));
        }
    }

    /**
     * Reads up to {@code maxRecords} records (and about {@code maxBytes} of values, at least one record) with sequence
     * numbers from {@code fromSequence} on, skipping what was released. Empty when nothing more is spooled.
     */
    public synchronized List<SpoolRecord> read(long fromSequence, int maxRecords, long maxBytes) throws IOException {
        ensureOpen();
        List<SpoolRecord> out = new ArrayList<>();
        long from = Math.max(fromSequence, released);
        long bytes = 0;
        Map.Entry<Long, Segment> e = segments.floorEntry(from);
        Iterator<Segment> it = (e == null ? segments : segments.tailMap(e.getKey(), true)).values().iterator();
        while (it.hasNext() && out.size() < maxRecords && (out.isEmpty() || bytes < maxBytes)) {
            Segment s = it.next();
            if (s.lastSequence < from) {
                continue;
            }
            long pos = SegmentFormat.HEADER_BYTES;
            long seq = s.baseSequence;
            if (cursorSegment == s.baseSequence && cursorSequence <= from) {
                pos = cursorPosition;
                seq = cursorSequence;
            }
            try (FileChannel ch = s == active ? null : FileChannel.open(s.path, StandardOpenOption.READ)) {
                FileChannel rc = ch == null ? activeChannel : ch;
                while (seq <= s.lastSequence && out.size() < maxRecords && (out.isEmpty() || bytes < maxBytes)) {
                    SegmentFormat.Read r = SegmentFormat.read(rc, pos, s.sizeBytes, seq < from);
                    if (!r.ok()) {
                        throw new IOException("spool segment " + s.path + " became unreadable at byte " + pos + ": "
                                + r.problem());
                    }
                    if (seq >= from) {
                        out.add(r.record());
                        bytes += r.record().value().length;
                    }
                    pos = r.nextPosition();
                    seq++;
                }
            }
            cursorSegment = s.baseSequence;
            cursorPosition = pos;
            cursorSequence = seq;
        }
        return out;
    }

    /** Waits up to {@code millis} for an append when nothing at or after {@code fromSequence} is spooled. */
    public synchronized void awaitRecords(long fromSequence, long millis) throws InterruptedException {
        if (!closed && nextSequence <= Math.max(fromSequence, released)) {
            wait(millis);
        }
    }

    /**
     * The broker has every record up to and including {@code sequence}: they leave the spool. Fully acknowledged
     * closed segments are deleted after the new position is durable.
     */
    public synchronized void acknowledge(long sequence) throws IOException {
        ensureOpen();
        if (sequence + 1 <= released) {
            return;
        }
        released = sequence + 1;
        mark.write(released);
        List<Segment> done = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s == active || s.lastSequence >= released) {
                break;
            }
            done.add(s);
        }
        for (Segment s : done) {
            deleteSegment(s);
        }
    }

    /** The first sequence number not yet released (acknowledged or dropped). */
    public synchronized long releasedUpTo() {
        return released;
    }

    /** Backlog, disk use, oldest unsent age and drop count, for the status line. */
    public synchronized SpoolStatus status() throws IOException {
        return statusLocked();
    }

    private SpoolStatus statusLocked() throws IOException {
        long unsent = 0;
        for (Segment s : segments.values()) {
            unsent += s.recordsFrom(released);
        }
        long oldest = -1;
        if (unsent > 0 && !closed) {
            for (Segment s : segments.values()) {
                if (s.lastSequence < released) {
                    continue;
                }
                oldest = released <= s.baseSequence ? s.firstAppendMillis : appendTimeOf(s, released);
                break;
            }
        }
        return new SpoolStatus(unsent, diskBytes, oldest, droppedRecords, nextSequence);
    }

    private long appendTimeOf(Segment s, long sequence) throws IOException {
        try (FileChannel ch = s == active ? null : FileChannel.open(s.path, StandardOpenOption.READ)) {
            FileChannel rc = ch == null ? activeChannel : ch;
            long pos = SegmentFormat.HEADER_BYTES;
            for (long seq = s.baseSequence; seq <= s.lastSequence; seq++) {
                SegmentFormat.Read r = SegmentFormat.read(rc, pos, s.sizeBytes, true);
                if (!r.ok()) {
                    break;
                }
                if (seq == sequence) {
                    return r.record().appendMillis();
                }
                pos = r.nextPosition();
            }
        }
        return s.firstAppendMillis;
    }

    private void deleteSegment(Segment s) throws IOException {
        if (s == active) {
            closeActive();
        }
        segments.remove(s.baseSequence);
        diskBytes -= s.sizeBytes;
        Files.deleteIfExists(s.path);
        if (cursorSegment == s.baseSequence) {
            cursorSegment = -1;
        }
    }

    private void closeActive() throws IOException {
        if (activeChannel != null) {
            activeChannel.close();
            activeChannel = null;
            active = null;
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("spool " + dir + " is closed");
        }
    }

    /** Where the spool lives. */
    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            closeActive();
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
