package io.stethostream.streams.app;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the application instance connects and runs (the topology's own settings are in {@code MonitoringConfig}).
 *
 * @param applicationId     Kafka Streams application id: group, transactional ids and internal topic prefix
 * @param bootstrapServers  host:port list, or null to take {@code bootstrap.servers} from the properties file
 * @param kafkaConfigFile   client .properties (TLS, SASL, ...), or null
 * @param stateDir          where the local state stores live (kept across restarts for fast recovery)
 * @param httpPort          port of the HTTP endpoint; 0 picks a free one, -1 disables it
 * @param exactlyOnce       exactly_once_v2 (default) or at_least_once
 * @param partitions        partitions of the topics this instance creates when they are missing
 * @param replication       their replication factor; -1 uses the broker default
 * @param streamThreads     Kafka Streams threads (each runs its own tasks and inference)
 */
public record AppConfig(String applicationId, String bootstrapServers, Path kafkaConfigFile, Path stateDir,
                        int httpPort, boolean exactlyOnce, int partitions, short replication, int streamThreads) {

    public static final String DEFAULT_APPLICATION_ID = "stethostream-monitor";

    public AppConfig {
        if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("application id must be letters, digits, '.', '_' or '-': " + applicationId);
        }
        Objects.requireNonNull(stateDir, "stateDir");
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("http port must be -1 (off), 0 (any) or 1..65535, got " + httpPort);
        }
        if (partitions < 1 || (replication != -1 && replication < 1) || streamThreads < 1) {
            throw new IllegalArgumentException("partitions, replication (or -1) and stream threads must be >= 1, got "
                    + partitions + ", " + replication + ", " + streamThreads);
        }
    }

    /** Defaults: exactly-once, 4 partitions, broker-default replication, one stream thread, HTTP on 8080. */
    public static AppConfig defaults(String bootstrapServers, Path stateDir) {
        return new AppConfig(DEFAULT_APPLICATION_ID, bootstrapServers, null, stateDir, 8080, true, 4, (short) -1, 1);
    }

    public AppConfig withApplicationId(String id) {
        return new AppConfig(id, bootstrapServers, kafkaConfigFile, stateDir, httpPort, exactlyOnce, partitions,
                replication, streamThreads);
    }

    public AppConfig withKafkaConfigFile(Path file) {
        return new AppConfig(applicationId, bootstrapServers, file, stateDir, httpPort, exactlyOnce, partitions,
                replication, streamThreads);
    }

    public AppConfig withHttpPort(int port) {
        return new AppConfig(applicationId, bootstrapServers, kafkaConfigFile, stateDir, port, exactlyOnce, partitions,
                replication, streamThreads);
    }

    public AppConfig withPartitions(int n) {
        return new AppConfig(applicationId, bootstrapServers, kafkaConfigFile, stateDir, httpPort, exactlyOnce, n,
                replication, streamThreads);
    }
}
