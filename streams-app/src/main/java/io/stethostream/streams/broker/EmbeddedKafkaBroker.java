package io.stethostream.streams.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) inside this JVM, from the official Kafka jars.
 * Used when no {@code --bootstrap-servers} is given, and by the integration tests. Its data live in a directory that
 * survives restarts: the storage is formatted only when it has never been.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER = "CONTROLLER";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extra;
    /** Additional client listeners (name to security protocol and port), e.g. a SASL one for security tests. */
    private final Map<String, Map.Entry<String, Integer>> listeners = new LinkedHashMap<>();
    private KafkaRaftServer server;

    /**
     * @param dataDir where the log and metadata live (created if missing)
     * @param port    client port; 0 picks a free one (tests); the controller gets another free port
     * @param extra   broker settings that override the defaults (security set-ups in tests)
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, Map<String, String> extra) throws IOException {
        this.dataDir = dataDir;
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = freePort();
        this.extra = Map.copyOf(extra);
    }

    public EmbeddedKafkaBroker(Path dataDir, int port) throws IOException {
        this(dataDir, port, Map.of());
    }

    /**
     * Adds a client listener on a free port of its own, before {@link #start()}: for example
     * {@code addListener("SASL", "SASL_PLAINTEXT")}. The PLAINTEXT listener stays the inter-broker one; what the new
     * listener needs (enabled SASL mechanisms, {@code listener.name.<name>.<mechanism>.sasl.jaas.config}) goes in
     * {@code extra}. Returns the port.
     */
    public synchronized int addListener(String name, String securityProtocol) throws IOException {
        if (server != null) {
            throw new IllegalStateException("add listeners before start()");
        }
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("PLAINTEXT") || n.equals(CONTROLLER) || listeners.containsKey(n)) {
            throw new IllegalArgumentException("listener name taken: " + name);
        }
        int p = freePort();
        listeners.put(n, Map.entry(securityProtocol, p));
        return p;
    }

    /** The address of a listener added with {@link #addListener}. */
    public String bootstrapServers(String listenerName) {
        Map.Entry<String, Integer> l = listeners.get(listenerName.toUpperCase(Locale.ROOT));
        if (l == null) {
            throw new IllegalArgumentException("no listener " + listenerName);
        }
        return "localhost:" + l.getValue();
    }

    /** Formats the storage if it never was, then starts; returns when the broker accepts connections. */
    public synchronized EmbeddedKafkaBroker start() throws IOException {
        if (server != null) {
            return this;
        }
        // A fatal broker error must not halt the JVM that also runs the stream and the user's shell: throw instead.
        Exit.setHaltProcedure((code, msg) -> {
            throw new IllegalStateException("embedded Kafka broker failed (halt " + code + "): " + msg);
        });
        Exit.setExitProcedure((code, msg) -> {
            throw new IllegalStateException("embedded Kafka broker failed (exit " + code + "): " + msg);
        });
        Files.createDirectories(dataDir);
        Map<String, String> props = brokerProperties();
        KafkaConfig config = new KafkaConfig(props, false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format();
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("embedded Kafka broker on {} (data in {})", bootstrapServers(), dataDir);
        return this;
    }

    private Map<String, String> brokerProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port + "," + CONTROLLER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("controller.listener.names", CONTROLLER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        for (Map.Entry<String, Map.Entry<String, Integer>> l : listeners.entrySet()) {
            String address = l.getKey() + "://localhost:" + l.getValue().getValue();
            p.put("listeners", p.get("listeners") + "," + address);
            p.put("advertised.listeners", p.get("advertised.listeners") + "," + address);
            p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + "," + l.getKey() + ":"
                    + l.getValue().getKey());
        }
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", dataDir.toString());
        // One node: every replication factor and min ISR is 1.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner reserves 128 MiB of heap by default; compacted topics here are small.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        // Quick recovery after an unclean stop of the embedding process.
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("auto.create.topics.enable", "false");
        p.putAll(extra);
        return p;
    }

    private void format() throws IOException {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics that are missing; existing ones are left as they are. */
    public void createTopics(List<NewTopic> topics) throws IOException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> todo = new ArrayList<>(topics);
            for (NewTopic t : todo) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IOException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }
    }

    /** A compacted topic's settings, for {@link NewTopic#configs}. */
    public static Map<String, String> compacted() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("embedded Kafka broker stopped");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
