package io.stethostream.streams.models;

import io.stethostream.protocol.Topics;
import io.stethostream.runtime.OnnxModel;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance's side of model releases: at start-up, the latest release it can serve; while running, every new
 * desired release is fetched, checked ({@link ModelAcceptance}) and swapped into the {@link ModelSlot}, or refused
 * while the current model keeps serving. Every outcome is logged and published as this instance's {@link ModelStatus}.
 */
public final class ModelWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

    /** A model that passed acceptance, with the release it came from. */
    public record Accepted(OnnxModel model, String sha256) {
    }

    private final ModelTopicReader reader;
    private final KafkaProducer<String, byte[]> producer;
    private final ModelAcceptance acceptance;
    private final String instance;
    private final String topic;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running;
    private volatile ModelStatus last;
    private Thread thread;

    public ModelWatcher(Properties client, ModelAcceptance acceptance, String instance) {
        this(client, Topics.MODELS, acceptance, instance);
    }

    public ModelWatcher(Properties client, String topic, ModelAcceptance acceptance, String instance) {
        this.topic = topic;
        this.reader = new ModelTopicReader(client, topic);
        this.producer = new KafkaProducer<>(ModelTopic.producer(client));
        this.acceptance = acceptance;
        this.instance = instance;
    }

    /**
     * Reads the topic to its end and opens the newest release this instance accepts: the desired one, else the
     * releases before it, newest first. Empty when nothing was ever deployed or nothing passes.
     */
    public Optional<Accepted> initial(Duration timeout) {
        reader.catchUp(timeout);
        Optional<DesiredModel> desired = reader.desired();
        if (desired.isEmpty()) {
            return Optional.empty();
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(desired.get().sha256());
        candidates.addAll(desired.get().history());
        for (String sha : candidates) {
            try {
                OnnxModel m = acceptance.accept(sha, reader.fetch(sha), null, null);
                publish(sha, m.metadata().modelVersion(), ModelStatus.ACCEPTED, null, sha);
                return Optional.of(new Accepted(m, sha));
            } catch (IOException | ModelRefusedException e) {
                LOG.warn("release {} refused at start-up: {}", sha.substring(0, 12), e.getMessage());
                publish(sha, version(sha), ModelStatus.REFUSED, e.getMessage(), null);
            }
        }
        return Optional.empty();
    }

    /** Starts following the topic in the background, swapping accepted releases into {@code slot}. */
    public synchronized void start(ModelSlot slot) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(() -> follow(slot), "model-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(ModelSlot slot) {
        // Releases already in the topic were handled by initial(); apply the desired one only if it is not served.
        Optional<DesiredModel> seen = reader.desired();
        seen.ifPresent(d -> {
            if (!d.sha256().equals(slot.releaseId())) {
                apply(d, slot);
            }
        });
        while (running) {
            try {
                if (reader.poll(Duration.ofMillis(500))) {
                    reader.desired().ifPresent(d -> apply(d, slot));
                }
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("model watcher: {}", e.toString());
                sleep();
            }
        }
    }

    /** Fetch, check, swap or refuse; never lets the current model stop serving. */
    void apply(DesiredModel desired, ModelSlot slot) {
        String sha = desired.sha256();
        if (sha.equals(slot.releaseId())) {
            publish(sha, slot.metadata().modelVersion(), ModelStatus.ACCEPTED, null, sha);
            return;
        }
        try {
            OnnxModel next = acceptance.accept(sha, reader.fetch(sha), slot.featureSpec(), slot.metadata().labels());
            slot.swap(next, sha);
            accepted.incrementAndGet();
            LOG.info("{} release {} ({} {}) now serving", desired.action(), sha.substring(0, 12),
                    next.metadata().modelName(), next.metadata().modelVersion());
            publish(sha, next.metadata().modelVersion(), ModelStatus.ACCEPTED, null, sha);
        } catch (IOException | ModelRefusedException e) {
            refused.incrementAndGet();
            LOG.warn("release {} refused, still serving {}: {}", sha.substring(0, 12), slot.releaseId(),
                    e.getMessage());
            publish(sha, version(sha), ModelStatus.REFUSED, e.getMessage(), slot.releaseId());
        }
    }

    private String version(String sha) {
        return reader.release(sha).map(ModelRelease::modelVersion).orElse(null);
    }

    private void publish(String sha, String version, String outcome, String reason, String serving) {
        ModelStatus status = new ModelStatus(instance, sha, version, outcome, reason, serving, Instant.now());
        last = status;
        producer.send(new ProducerRecord<>(topic, 0, ModelTopic.statusKey(instance), ModelTopic.json(status)),
                (md, e) -> {
                    if (e != null) {
                        LOG.warn("cannot publish model status: {}", e.getMessage());
                    }
                });
    }

    public long acceptedCount() {
        return accepted.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    /** The last status this instance published, or null. */
    public ModelStatus lastStatus() {
        return last;
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
