package io.stethostream.streams.app;

import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the protocol's topics that are missing; existing topics are never changed. */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * The topics with their settings: model releases (one partition) and alert acknowledgements are compacted, so
     * every release and the latest word on every alert are kept; the others are deleted by time.
     */
    public static List<NewTopic> topics(int partitions, short replication) {
        Optional<Short> rf = replication == -1 ? Optional.empty() : Optional.of(replication);
        List<NewTopic> out = new ArrayList<>();
        for (String name : Topics.ALL) {
            boolean models = name.equals(Topics.MODELS);
            NewTopic t = new NewTopic(name, Optional.of(models ? 1 : partitions), rf);
            if (models || name.equals(Topics.ALERT_ACKS)) {
                t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            out.add(t);
        }
        return out;
    }

    /** Creates the missing topics with the client settings {@code client}. */
    public static void createMissing(Properties client, int partitions, short replication) throws IOException {
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (NewTopic t : topics(partitions, replication)) {
                if (existing.contains(t.name())) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {}", t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IOException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot list topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }
    }
}
