package io.stethostream.agent.app;

import io.stethostream.agent.chunk.ChunkAssembler;
import io.stethostream.agent.source.AudioSource;
import io.stethostream.agent.source.CapturedBlock;
import io.stethostream.agent.spool.Spool;
import io.stethostream.protocol.AudioChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;

/**
 * The capture thread: reads blocks from the source, numbers and encodes them, appends them to the spool. It never
 * waits for the network; the only thing it waits on besides the source is the local fsync of its own append.
 */
final class CaptureLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);

    private final AudioSource source;
    private final ChunkAssembler assembler;
    private final Spool spool;
    private final int chunkMillis;
    private final CaptureStats stats;
    private volatile boolean stopping;

    CaptureLoop(AudioSource source, ChunkAssembler assembler, Spool spool, int chunkMillis, CaptureStats stats) {
        this.source = source;
        this.assembler = assembler;
        this.spool = spool;
        this.chunkMillis = chunkMillis;
        this.stats = stats;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                CapturedBlock block = source.next(chunkMillis);
                if (block == null) {
                    break;
                }
                AudioChunk chunk = assembler.assemble(block);
                byte[] value = ChunkAssembler.encode(chunk);
                try {
                    spool.append(chunk.sequence(), value);
                } catch (IOException e) {
                    // A full or failing disk must not stop capture: the chunk is lost, counted and logged.
                    stats.lostChunks.incrementAndGet();
                    stats.lastError.set(Instant.now() + " spool append: " + e.getMessage());
                    LOG.error("chunk {} lost: cannot append to the spool: {}", chunk.sequence(), e.getMessage());
                    continue;
                }
                stats.sampleRate = block.sampleRate();
                stats.chunks.incrementAndGet();
                stats.samples.addAndGet(block.samples().length);
            }
        } catch (IOException e) {
            stats.sourceFailed = true;
            stats.lastError.set(Instant.now() + " source: " + e.getMessage());
            LOG.error("capture stopped: {}: {}", source.describe(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stats.sourceFailed = true;
            stats.lastError.set(Instant.now() + " capture: " + e);
            LOG.error("capture stopped by an internal error", e);
        }
    }

    /** Makes the loop end after its current block. */
    void stop() {
        stopping = true;
    }
}
