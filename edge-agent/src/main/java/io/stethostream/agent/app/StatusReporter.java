package io.stethostream.agent.app;

import io.stethostream.agent.send.ChunkSender;
import io.stethostream.agent.send.DeliveryStats;
import io.stethostream.agent.spool.Spool;
import io.stethostream.agent.spool.SpoolStatus;

import java.io.IOException;
import java.util.Locale;

/** Composes the periodic status line from the capture, spool and delivery counters; keeps rates between calls. */
final class StatusReporter {

    private final CaptureStats capture;
    private final Spool spool;
    private final ChunkSender sender;
    private long lastNanos = System.nanoTime();
    private long lastChunks;
    private long lastSent;
    private long lastWire;

    StatusReporter(CaptureStats capture, Spool spool, ChunkSender sender) {
        this.capture = capture;
        this.spool = spool;
        this.sender = sender;
    }

    /** The line: rates since the previous call, totals, spool backlog and the last error. */
    synchronized String line() {
        long now = System.nanoTime();
        double secs = Math.max(1e-3, (now - lastNanos) / 1e9);
        DeliveryStats d = sender.stats();
        long chunks = capture.chunks();
        long sent = d.sentChunks();
        long wire = sender.wireBytes();
        String spoolText;
        try {
            SpoolStatus s = spool.status();
            long nowMs = System.currentTimeMillis();
            spoolText = String.format(Locale.ROOT, "spooled %d (%.1f MiB on disk), oldest spooled %s, dropped %d",
                    s.unsentRecords(), s.diskBytes() / 1048576.0,
                    s.oldestUnsentMillis() < 0 ? "-" : String.format(Locale.ROOT, "%.1f s",
                            (nowMs - s.oldestUnsentMillis()) / 1000.0), s.droppedRecords());
        } catch (IOException e) {
            spoolText = "spool unreadable: " + e.getMessage();
        }
        Runtime rt = Runtime.getRuntime();
        String error = d.lastError() != null ? d.lastError() : capture.lastError();
        String line = String.format(Locale.ROOT, "status: %d Hz, captured %d (%.1f chunks/s), sent %d (%.1f/s), "
                        + "%s, wire %.1f KiB/s, heap %d MiB, last error: %s",
                capture.sampleRate(), chunks, (chunks - lastChunks) / secs, sent, (sent - lastSent) / secs, spoolText,
                (wire - lastWire) / secs / 1024, (rt.totalMemory() - rt.freeMemory()) >> 20,
                error == null ? "none" : error);
        lastNanos = now;
        lastChunks = chunks;
        lastSent = sent;
        lastWire = wire;
        return line;
    }
}
