package io.stethostream.streams.dashboard;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.topology.JsonSerde;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows the output topics for the dashboard: predictions (from {@code historyWindow} ago, enough for the strips),
 * alerts, acknowledgements and model releases (from the beginning, so a late page sees every active alert and the
 * release history). It assigns every partition itself, without a consumer group, so each instance sees every device,
 * including those another instance handles. Reads committed records only: a prediction of an aborted exactly-once
 * transaction is never shown. A record it cannot read is logged and skipped.
 */
public final class DashboardFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
    private static final List<String> TOPICS = List.of(Topics.PREDICTIONS, Topics.ALERTS, Topics.ALERT_ACKS,
            Topics.MODELS);
    private static final long RETRY_MS = 5_000;
    /** The acknowledgement topic's values. */
    static final JsonSerde<AlertAck> ACKS = new JsonSerde<>(AlertAck.class);

    private final Properties client;
    private final WardState ward;
    private final ReleaseBoard releases;
    private final Duration historyWindow;
    private final Thread thread;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;

    public DashboardFeed(Properties client, WardState ward, ReleaseBoard releases, Duration historyWindow) {
        this.client = client;
        this.ward = ward;
        this.releases = releases;
        this.historyWindow = historyWindow;
        this.thread = new Thread(this::run, "stethostream-dashboard-feed");
        this.thread.setDaemon(true);
    }

    public DashboardFeed start() {
        thread.start();
        return this;
    }

    /** Records applied and records skipped as unreadable so far. */
    public long applied() {
        return applied.get();
    }

    public long skipped() {
        return skipped.get();
    }

    private void run() {
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
                consumer = c;
                if (!assign(c)) {
                    sleep(RETRY_MS);
                    continue;
                }
                while (!closed) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        apply(r);
                    }
                }
            } catch (WakeupException e) {
                // close() woke the poll
            } catch (RuntimeException e) {
                // An authorisation error, a broker that went away: the page shows stale data until this recovers.
                if (!closed) {
                    LOG.warn("dashboard feed stopped ({}); retrying in {} s", e.toString(), RETRY_MS / 1000);
                    sleep(RETRY_MS);
                }
            } finally {
                consumer = null;
            }
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "stethostream-dashboard-" + ProcessHandle.current().pid());
        return p;
    }

    /** Assigns every partition of the followed topics and seeks; false when a topic is not there yet. */
    private boolean assign(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null || parts.isEmpty()) {
                LOG.info("dashboard feed: topic {} not there yet", topic);
                return false;
            }
            parts.forEach(pi -> all.add(new TopicPartition(pi.topic(), pi.partition())));
        }
        c.assign(all);
        List<TopicPartition> fromStart = all.stream().filter(tp -> !tp.topic().equals(Topics.PREDICTIONS)).toList();
        List<TopicPartition> recent = all.stream().filter(tp -> tp.topic().equals(Topics.PREDICTIONS)).toList();
        c.seekToBeginning(fromStart);
        long since = System.currentTimeMillis() - historyWindow.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        recent.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(query, Duration.ofSeconds(10));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : recent) {
            OffsetAndTimestamp o = offsets.get(tp);
            if (o == null) {
                toEnd.add(tp); // nothing that recent: only what comes next
            } else {
                c.seek(tp, o.offset());
            }
        }
        if (!toEnd.isEmpty()) {
            c.seekToEnd(toEnd); // an empty list would mean every assigned partition
        }
        LOG.info("dashboard feed: following {} partitions", all.size());
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        try {
            switch (r.topic()) {
                case Topics.PREDICTIONS -> ward.apply(StreamTopics.PREDICTION.deserializer().deserialize(r.topic(), r.value()));
                case Topics.ALERTS -> ward.apply(StreamTopics.ALERT.deserializer().deserialize(r.topic(), r.value()));
                case Topics.ALERT_ACKS -> ward.apply(ACKS.deserializer().deserialize(r.topic(), r.value()));
                case Topics.MODELS -> releases.apply(r.key() == null ? null
                        : new String(r.key(), StandardCharsets.UTF_8), r.value());
                default -> {
                    return;
                }
            }
            applied.incrementAndGet();
        } catch (Exception e) {
            if (r.value() == null) {
                return; // a tombstone of a compacted topic
            }
            skipped.incrementAndGet();
            LOG.warn("dashboard: skipping unreadable record at {}-{} offset {}: {}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
        }
    }

    /** Sleeps in short steps, so that close() needs no interrupt (which would also break the consumer's close). */
    private void sleep(long ms) {
        long until = System.currentTimeMillis() + ms;
        try {
            while (!closed && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
