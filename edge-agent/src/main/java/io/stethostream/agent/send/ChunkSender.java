package io.stethostream.agent.send;

import io.stethostream.agent.spool.Spool;
import io.stethostream.agent.spool.SpoolRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends the spool to Kafka in sequence order, one window at a time, and releases records only after the broker
 * acknowledged them.
 *
 * <p>Why no chunk is sent out of order: there is one ordering domain (one thread, one producer, one key, hence one
 * partition). The sender hands the producer a window of at most {@link ProducerSettings#WINDOW_BYTES} (which fits one
 * batch, and a long linger keeps it in one batch until the {@code flush}, so the broker appends it whole or not at
 * all) and waits for it ({@code flush}) before reading the next. A record the producer refuses at once ends the
 * window there. If any record of a window fails (a broker outage longer than the delivery timeout, an authorisation
 * error), the producer is closed, and after a back-off a new one resends from the first unacknowledged record. The
 * idempotent producer removes the duplicates its own retries would cause.
 *
 * <p>At-least-once corner: a window the broker wrote but whose acknowledgement was lost past the delivery timeout, or
 * one acknowledged just before a crash and before the spool recorded it, is sent again, right after itself, with the
 * same sequence numbers. The stream drops a chunk whose sequence number it has already seen for that device.
 */
public final class ChunkSender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkSender.class);
    static final int WINDOW_RECORDS = 64;
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final long MIN_BACKOFF_MS = 500;

    private final Spool spool;
    private final String topic;
    private final String key;
    private final Supplier<Producer<String, byte[]>> producers;
    private final DeliveryStats stats = new DeliveryStats();
    private volatile Producer<String, byte[]> producer;
    private volatile long wireBytesOfClosedProducers;
    private volatile boolean stopping;
    private volatile long drainDeadlineNanos;
    private volatile boolean aborted;

    /**
     * @param producers makes a new producer (at start and after a failure); the sender closes each one
     */
    public ChunkSender(Spool spool, String topic, String key, Supplier<Producer<String, byte[]>> producers) {
        this.spool = spool;
        this.topic = topic;
        this.key = key;
        this.producers = producers;
    }

    /** Creates the first producer now, so that a bad client configuration fails at start-up, not in the thread. */
    public void connect() {
        if (producer == null) {
            producer = producers.get();
        }
    }

    @Override
    public void run() {
        long next = spool.releasedUpTo();
        long backoff = MIN_BACKOFF_MS;
        try {
            while (!aborted) {
                boolean pastDeadline = stopping && System.nanoTime() - drainDeadlineNanos >= 0;
                if (pastDeadline) {
                    break;
                }
                List<SpoolRecord> window = spool.read(next, WINDOW_RECORDS, ProducerSettings.WINDOW_BYTES);
                if (window.isEmpty()) {
                    if (stopping) {
                        break;
                    }
                    spool.awaitRecords(next, 200);
                    continue;
                }
                Exception failure = sendWindow(window);
                if (failure == null) {
                    next = window.get(window.size() - 1).sequence() + 1;
                    backoff = MIN_BACKOFF_MS;
                    continue;
                }
                if (aborted) {
                    break;
                }
                stats.failedWindows.incrementAndGet();
                stats.lastError.set(Instant.now() + " " + failure.getClass().getSimpleName() + ": "
                        + failure.getMessage());
                LOG.warn("send failed, will resend from sequence {} in {} ms: {}", spool.releasedUpTo(), backoff,
                        failure.toString());
                closeProducer(Duration.ZERO);
                next = spool.releasedUpTo();
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        } catch (IOException e) {
            stats.lastError.set(Instant.now() + " spool: " + e.getMessage());
            LOG.error("sender stopped: the spool failed: {}", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeProducer(Duration.ofSeconds(5));
        }
    }

    /** Sends one window and waits for it; acknowledges its successful prefix. Null when all of it was acknowledged. */
    private Exception sendWindow(List<SpoolRecord> window) throws IOException {
        int n = window.size();
        Exception[] results = new Exception[n];
        boolean[] done = new boolean[n];
        Exception failure = null;
        try {
            connect();
            Producer<String, byte[]> p = producer;
            for (int i = 0; i < n; i++) {
                SpoolRecord r = window.get(i);
                int index = i;
                p.send(new ProducerRecord<>(topic, null, r.appendMillis(), key, r.value()), (md, e) -> {
                    synchronized (results) {
                        results[index] = e;
                        done[index] = true;
                    }
                });
                // A record refused at once (no metadata within max.block.ms, too large) must not be overtaken by the
                // next ones, which could succeed if the broker has just come back: stop handing records over.
                synchronized (results) {
                    if (done[i] && results[i] != null) {
                        break;
                    }
                }
            }
            p.flush();
        } catch (RuntimeException e) {
            // A send that throws (a full buffer, a closed producer, a fatal error) leaves the rest of the window unsent.
            failure = e;
        }
        int ok = 0;
        synchronized (results) {
            while (ok < n && done[ok] && results[ok] == null) {
                ok++;
            }
        }
        if (ok > 0) {
            SpoolRecord last = window.get(ok - 1);
            spool.acknowledge(last.sequence());
            long bytes = 0;
            for (int i = 0; i < ok; i++) {
                bytes += window.get(i).value().length;
            }
            stats.sentChunks.addAndGet(ok);
            stats.sentValueBytes.addAndGet(bytes);
            stats.lastSentSequence.set(last.sequence());
        }
        if (ok == n) {
            return null;
        }
        if (failure == null) {
            synchronized (results) {
                failure = done[ok] ? results[ok] : new IOException("record " + window.get(ok).sequence()
                        + " was not completed by the producer");
            }
        }
        return failure;
    }

    private void sleep(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!aborted && System.nanoTime() < end) {
            if (stopping && System.nanoTime() - drainDeadlineNanos >= 0) {
                return;
            }
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private synchronized void closeProducer(Duration timeout) {
        Producer<String, byte[]> p = producer;
        if (p == null) {
            return;
        }
        wireBytesOfClosedProducers += wireBytes(p);
        producer = null;
        try {
            p.close(timeout);
        } catch (RuntimeException e) {
            LOG.debug("closing producer: {}", e.toString());
        }
    }

    /**
     * Asks the sender to finish: it keeps sending what is spooled until the spool is empty or {@code drain} has passed,
     * then closes its producer. What is left stays in the spool for the next start.
     */
    public void stop(Duration drain) {
        drainDeadlineNanos = System.nanoTime() + drain.toNanos();
        stopping = true;
    }

    /**
     * Stops at once, abandoning a window in flight (it stays in the spool): for the drain deadline and for tests that
     * simulate a crash.
     */
    public void abort() {
        aborted = true;
        stopping = true;
        drainDeadlineNanos = System.nanoTime();
        Producer<String, byte[]> p = producer;
        if (p != null) {
            try {
                // Unblocks a flush waiting on an unreachable broker; its callbacks report the abandoned records.
                p.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("aborting producer: {}", e.toString());
            }
        }
    }

    /** Counters of what was delivered, and the last error. */
    public DeliveryStats stats() {
        return stats;
    }

    /** Bytes the producers have written to the network (Kafka's {@code outgoing-byte-total}), all producers so far. */
    public long wireBytes() {
        Producer<String, byte[]> p = producer;
        return wireBytesOfClosedProducers + (p == null ? 0 : wireBytes(p));
    }

    private static long wireBytes(Producer<String, byte[]> p) {
        try {
            for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
                MetricName m = e.getKey();
                if (m.name().equals("outgoing-byte-total") && m.group().equals("producer-metrics")) {
                    Object v = e.getValue().metricValue();
                    return v instanceof Number num ? num.longValue() : 0;
                }
            }
        } catch (RuntimeException e) {
            // A closed producer may refuse; its bytes are then simply not counted.
        }
        return 0;
    }
}
