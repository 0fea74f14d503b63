package io.stethostream.streams.app;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which state stores this instance is restoring from their changelogs (devices that moved here after a failure or a
 * rebalance), for {@code /ready} and the log.
 */
final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

    private record Progress(String store, long total, long done, long startNanos) {
    }

    private final Map<TopicPartition, Progress> active = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition tp, String store, long startOffset, long endOffset) {
        active.put(tp, new Progress(store, endOffset - startOffset, 0, System.nanoTime()));
    }

    @Override
    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long restored) {
        active.computeIfPresent(tp, (k, p) -> new Progress(p.store(), p.total(), p.done() + restored, p.startNanos()));
    }

    @Override
    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        Progress p = active.remove(tp);
        if (p != null && totalRestored > 0) {
            LOG.info("restored {} (partition {}): {} records in {} ms", store, tp.partition(), totalRestored,
                    (System.nanoTime() - p.startNanos()) / 1_000_000);
        }
    }

    /** Empty when nothing is being restored, else "restoring N store partitions (done of total records)". */
    String describe() {
        if (active.isEmpty()) {
            return "";
        }
        long total = 0;
        long done = 0;
        for (Progress p : active.values()) {
            total += p.total();
            done += p.done();
        }
        return "restoring " + active.size() + " store partition(s) (" + done + " of " + total + " records)";
    }
}
