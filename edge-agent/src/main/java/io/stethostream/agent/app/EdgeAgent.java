package io.stethostream.agent.app;

import io.stethostream.agent.chunk.ChunkAssembler;
import io.stethostream.agent.send.ChunkSender;
import io.stethostream.agent.source.AudioSource;
import io.stethostream.agent.spool.Spool;
import io.stethostream.agent.spool.SpoolDrop;
import io.stethostream.agent.spool.SpoolStatus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One running agent: a capture thread (source to spool), a sender thread (spool to Kafka) and the status line.
 * {@link #close()} is the clean shutdown: capture stops, everything captured is already in the spool, the sender
 * keeps sending for up to the drain timeout, and whatever is left stays spooled for the next start.
 */
public final class EdgeAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

    private final AgentConfig config;
    private final AudioSource source;
    private final Spool spool;
    private final ChunkSender sender;
    private final CaptureStats captureStats = new CaptureStats();
    private final CaptureLoop capture;
    private final Thread captureThread;
    private final Thread senderThread;
    private final StatusReporter status;
    private final ScheduledExecutorService statusTimer;
    private boolean closed;

    private EdgeAgent(AgentConfig config, AudioSource source, Spool spool, Supplier<Producer<String, byte[]>> producers) {
        this.config = config;
        this.source = source;
        this.spool = spool;
        this.sender = new ChunkSender(spool, config.topic(), config.deviceId(), producers);
        ChunkAssembler assembler = new ChunkAssembler(config.deviceId(), config.attributes(), spool.nextSequence());
        this.capture = new CaptureLoop(source, assembler, spool, config.chunkMillis(), captureStats);
        this.captureThread = new Thread(capture, "agent-capture");
        this.senderThread = new Thread(sender, "agent-sender");
        this.status = new StatusReporter(captureStats, spool, sender);
        this.statusTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-status");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the spool, creates the producer and starts capturing and sending. The source is owned by the agent from
     * here on and closed by {@link #close()}.
     */
    public static EdgeAgent start(AgentConfig config, AudioSource source) throws IOException {
        return start(config, source, drop -> { });
    }

    /** As {@link #start(AgentConfig, AudioSource)}, also telling {@code drops} of every spool drop (tests). */
    public static EdgeAgent start(AgentConfig config, AudioSource source, Consumer<SpoolDrop> drops)
            throws IOException {
        Spool spool;
        try {
            spool = Spool.open(config.spoolDir(), config.spool(), drops, System::currentTimeMillis);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        EdgeAgent agent;
        try {
            agent = new EdgeAgent(config, source, spool, () -> new KafkaProducer<>(config.producer()));
            agent.sender.connect();
        } catch (RuntimeException e) {
            source.close();
            spool.close();
            throw e;
        }
        agent.startThreads();
        return agent;
    }

    private void startThreads() {
        LOG.info("agent {}: {} -> {} ({} ms chunks), spool {} from sequence {}", config.deviceId(), source.describe(),
                config.topic(), config.chunkMillis(), config.spoolDir(), spool.nextSequence());
        captureThread.start();
        senderThread.start();
        long every = config.statusInterval().toMillis();
        statusTimer.scheduleAtFixedRate(() -> LOG.info(status.line()), every, every, TimeUnit.MILLISECONDS);
    }

    /** Waits until the source is exhausted (a replay without --loop) or {@code max} has passed; true if it ended. */
    public boolean awaitSourceEnd(Duration max) throws InterruptedException {
        captureThread.join(Math.max(1, max.toMillis()));
        return !captureThread.isAlive();
    }

    /** Waits until everything spooled so far was acknowledged, or {@code max} has passed; true if drained. */
    public boolean awaitDrained(Duration max) throws InterruptedException, IOException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (spool.status().unsentRecords() == 0) {
                return true;
            }
            Thread.sleep(50);
        }
        return spool.status().unsentRecords() == 0;
    }

    /** Counters of the capture thread. */
    public CaptureStats captureStats() {
        return captureStats;
    }

    /** The sender, for its delivery counters. */
    public ChunkSender sender() {
        return sender;
    }

    /** The spool's backlog now. */
    public SpoolStatus spoolStatus() throws IOException {
        return spool.status();
    }

    /** The current status line (also logged every status interval). */
    public String statusLine() {
        return status.line();
    }

    /** Clean shutdown: stop capture, drain for up to the drain timeout, close producer and spool, log a summary. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            capture.stop();
            source.close();
            join(captureThread, 5_000);
            sender.stop(config.drainTimeout());
            join(senderThread, config.drainTimeout().toMillis() + 1_000);
            if (senderThread.isAlive()) {
                sender.abort();
                join(senderThread, 10_000);
            }
            statusTimer.shutdownNow();
            LOG.info(status.line());
            SpoolStatus s = spool.status();
            LOG.info("agent {} stopped: captured {} chunk(s), sent {}, {} left in the spool for the next start, "
                            + "{} value bytes sent, {} bytes on the wire", config.deviceId(), captureStats.chunks(),
                    sender.stats().sentChunks(), s.unsentRecords(), sender.stats().sentValueBytes(),
                    sender.wireBytes());
        } finally {
            spool.close();
        }
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
