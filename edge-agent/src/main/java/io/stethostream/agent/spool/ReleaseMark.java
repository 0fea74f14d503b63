package io.stethostream.agent.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The spool's durable "released" position: every sequence number below it has left the spool (acknowledged by the
 * broker, or dropped by policy). Written to a temporary file, fsync'd and renamed over the old one, so a crash leaves
 * either the old or the new value, never a torn one. It is also what keeps sequence numbers continuing after the spool
 * has emptied.
 */
final class ReleaseMark {

    private static final String FILE = "released";
    private final Path file;
    private final Path tmp;
    private final Path dir;

    ReleaseMark(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.tmp = dir.resolve(FILE + ".tmp");
    }

    /** The stored position, or 0 for a new spool. */
    long read() throws IOException {
        Files.deleteIfExists(tmp);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw new NumberFormatException("negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("spool position file " + file + " is corrupt ('" + text + "'); delete it only if "
                    + "the sequence numbers may restart", e);
        }
    }

    void write(long released) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            SegmentFormat.writeFully(ch, ByteBuffer.wrap((released + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    /** Makes a file creation, deletion or rename in {@code dir} durable (a no-op where the platform refuses). */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; its file system journals the metadata anyway.
        }
    }
}
