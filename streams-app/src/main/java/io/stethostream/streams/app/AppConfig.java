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
 * @param standbyReplicas   warm copies of each task's state kept on other instances ({@code num.standby.replicas}):
 *                          a failed instance's devices resume on an instance that already holds their state
 */
public record AppConfig(String applicationId, String bootstrapServers, Path kafkaConfigFile, Path stateDir,
                        int httpPort, boolean exactlyOnce, int partitions, short replication, int streamThreads,
                        int standbyReplicas) {

    public static final String DEFAULT_APPLICATION_ID = "stethostream-monitor";

    public AppConfig {
        if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("application id must be letters, digits, '.', '_' or '-': " + applicationId);
        }
        Objects.requireNonNull(stateDir, "stateDir");
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("http port must be -1 (off), 0 (any) or 1..65535, got " + httpPort);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standby replicas must be >= 0, got " + standbyReplicas);
        }
        if (partitions < 1 || (replication != -1 && replication < 1) || streamThreads < 1) {
            throw new IllegalArgumentException("partitions, replication (or -1) and stream threads must be >= 1, got "
                    + partitions + ", " + replication + ", " + streamThreads);
        }
    }

    /** Standby replicas unless configured: see {@link #defaults}. */
    public static final int DEFAULT_STANDBY_REPLICAS = 1;

    /**
     * Defaults: exactly-once, 4 partitions, broker-default replication, one stream thread, HTTP on 8080, one standby
     * replica. The standby is why a ward can lose an instance: its devices resume on an instance that has kept their
     * state warm instead of first replaying the changelog (docs/scale-out.md); it costs the other instance the
     * changelog's apply work and memory, and does nothing while only one instance runs.
     */
    public static AppConfig defaults(String bootstrapServers, Path stateDir) {
        return new AppConfig(DEFAULT_APPLICATION_ID, bootstrapServers, null, stateDir, 8080, true, 4, (short) -1, 1,
                DEFAULT_STANDBY_REPLICAS);
    }

    public AppConfig withStandbyReplicas(int n) {
        return new AppConfig(applicationId, bootstrapServers, kafkaConfigFile, stateDir, httpPort, exactlyOnce,
                partitions, replication, streamThreads, n);
    }

    public AppConfig withApplicationId(String id) {
        return new AppConfig(id, bootstrapServers, kafkaConfigFile, stateDir, httpPort, exactlyOnce, partitions,
                replication, streamThreads, standbyReplicas);
    }

    public AppConfig withKafkaConfigFile(Path file) {
        return new AppConfig(applicationId, bootstrapServers, file, stateDir, httpPort, exactlyOnce, partitions,
                replication, streamThreads, standbyReplicas);
    }

    public AppConfig withHttpPort(int port) {
        return new AppConfig(applicationId, bootstrapServers, kafkaConfigFile, stateDir, port, exactlyOnce, partitions,
                replication, streamThreads, standbyReplicas);
    }

    public AppConfig withPartitions(int n) {
        return new AppConfig(applicationId, bootstrapServers, kafkaConfigFile, stateDir, httpPort, exactlyOnce, n,
                replication, streamThreads, standbyReplicas);
    }
}
