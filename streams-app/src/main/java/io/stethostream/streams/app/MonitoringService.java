package io.stethostream.streams.app;

import io.stethostream.protocol.KafkaClientConfig;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import io.stethostream.streams.models.ModelAcceptance;
import io.stethostream.streams.models.ModelPublisher;
import io.stethostream.streams.models.ModelRefusedException;
import io.stethostream.streams.models.ModelSlot;
import io.stethostream.streams.models.ModelTopicReader;
import io.stethostream.streams.models.ModelWatcher;
import io.stethostream.streams.topology.MonitoringConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything {@code run} starts, in order: the embedded broker when no cluster is given, the topics, the model (the
 * newest accepted release on {@code stethoscope.models}, else the given file), the release watcher, and the monitoring
 * application. Closing stops them in reverse order.
 */
public final class MonitoringService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringService.class);

    /**
     * @param bootstrapServers a cluster, or null to start the embedded broker on {@code brokerPort}
     * @param kafkaConfigFile  client properties (security), or null
     * @param stateDir         Streams state, the model cache and (embedded) the broker's data
     * @param brokerPort       the embedded broker's port (9092 by default; 0 picks one)
     * @param modelFile        the model to serve when no release was ever deployed
     * @param modelThreads     ONNX Runtime threads (0: all cores)
     * @param app              application settings; its bootstrap servers are filled in here
     * @param monitoring       windowing, quality and alert settings
     * @param http             where the HTTP endpoint (dashboard, metrics) listens and who may use it
     */
    public record Options(String bootstrapServers, Path kafkaConfigFile, Path stateDir, int brokerPort,
                          Path modelFile, int modelThreads, AppConfig app, MonitoringConfig monitoring,
                          HttpAccess http) {

        /** Options with the HTTP endpoint on loopback, without users. */
        public Options(String bootstrapServers, Path kafkaConfigFile, Path stateDir, int brokerPort, Path modelFile,
                       int modelThreads, AppConfig app, MonitoringConfig monitoring) {
            this(bootstrapServers, kafkaConfigFile, stateDir, brokerPort, modelFile, modelThreads, app, monitoring,
                    HttpAccess.loopback());
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final ModelWatcher watcher;
    private final ModelSlot slot;
    private final MonitoringApp app;
    private final Properties client;

    private MonitoringService(EmbeddedKafkaBroker broker, ModelWatcher watcher, ModelSlot slot, MonitoringApp app,
                              Properties client) {
        this.broker = broker;
        this.watcher = watcher;
        this.slot = slot;
        this.app = app;
        this.client = client;
    }

    /** Starts everything; on failure, what was started is stopped again. */
    public static MonitoringService start(Options o) throws IOException {
        EmbeddedKafkaBroker broker = null;
        ModelWatcher watcher = null;
        ModelSlot slot = null;
        MonitoringApp app = null;
        try {
            String bootstrap = o.bootstrapServers();
            if (bootstrap == null) {
                broker = new EmbeddedKafkaBroker(o.stateDir().resolve("kafka"), o.brokerPort()).start();
                bootstrap = broker.bootstrapServers();
            }
            Properties client = KafkaClientConfig.load(bootstrap, o.kafkaConfigFile());
            AppConfig appConfig = new AppConfig(o.app().applicationId(), bootstrap, o.kafkaConfigFile(),
                    o.stateDir().resolve("streams"), o.app().httpPort(), o.app().exactlyOnce(), o.app().partitions(),
                    o.app().replication(), o.app().streamThreads(), o.app().standbyReplicas());
            TopicSetup.createMissing(client, appConfig.partitions(), appConfig.replication());

            OnnxModel.Options modelOptions = new OnnxModel.Options(o.modelThreads(), OnnxModel.Device.AUTO);
            ModelAcceptance acceptance = new ModelAcceptance(o.stateDir().resolve("models"), modelOptions);
            watcher = new ModelWatcher(client, acceptance, instanceId(appConfig.applicationId()));
            Optional<ModelWatcher.Accepted> released = watcher.initial(Duration.ofSeconds(60));
            if (released.isPresent()) {
                slot = new ModelSlot(released.get().model(), released.get().sha256());
                LOG.info("serving the latest accepted release {}", released.get().sha256().substring(0, 12));
            } else {
                slot = new ModelSlot(openFile(o.modelFile(), modelOptions), fileSha(o.modelFile()));
                // Publish the file as the first release, so that later deploys can be rolled back to it and new
                // instances start from the topic. Concurrent first starts write the same content-addressed records.
                try {
                    new ModelPublisher(client).deploy(o.modelFile());
                } catch (ModelRefusedException e) {
                    throw new IllegalStateException("the model file passed its canary but not deploy: " + e.getMessage(), e);
                }
                LOG.info("no model release on the topic yet: serving and publishing {}", o.modelFile());
            }
            watcher.start(slot);
            app = new MonitoringApp(appConfig, o.monitoring(), slot, o.http());
            app.start();
            return new MonitoringService(broker, watcher, slot, app, client);
        } catch (IOException | RuntimeException e) {
            closeAll(app, watcher, slot, broker);
            throw e;
        }
    }

    private static OnnxModel openFile(Path file, OnnxModel.Options options) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException("no model to serve: nothing deployed on the models topic and no file at " + file);
        }
        OnnxModel model = OnnxModel.open(file, options);
        try {
            ModelAcceptance.check(model, null, null);
        } catch (ModelRefusedException e) {
            model.close();
            throw new IOException(file + " fails its canary: " + e.getMessage(), e);
        }
        return model;
    }

    private static String fileSha(Path file) throws IOException {
        return ModelTopicReader.sha256(Files.readAllBytes(file));
    }

    private static String instanceId(String applicationId) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return applicationId + "@" + host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public MonitoringApp app() {
        return app;
    }

    public ModelSlot slot() {
        return slot;
    }

    public ModelWatcher watcher() {
        return watcher;
    }

    /** Client properties for this cluster (the embedded broker's or the given one). */
    public Properties client() {
        Properties p = new Properties();
        p.putAll(client);
        return p;
    }

    /** The embedded broker's address, or null when running against a given cluster. */
    public String embeddedBroker() {
        return broker == null ? null : broker.bootstrapServers();
    }

    @Override
    public void close() {
        closeAll(app, watcher, slot, broker);
    }

    private static void closeAll(MonitoringApp app, ModelWatcher watcher, ModelSlot slot, EmbeddedKafkaBroker broker) {
        for (AutoCloseable c : new AutoCloseable[] {app, watcher, slot, broker}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }
}
