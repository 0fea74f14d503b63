package io.stethostream.cli;

import io.stethostream.runtime.ModelMetadata;
import io.stethostream.streams.app.AppConfig;
import io.stethostream.streams.app.MonitoringService;
import io.stethostream.streams.topology.MonitoringConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code stethostream run}: the monitoring application, on an embedded broker or a given cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the monitoring application: audio chunks in, predictions and alerts out, model releases "
                + "swapped in while running.",
                "Without --bootstrap-servers it starts an embedded single-node Kafka broker (KRaft) on --broker-port "
                        + "with its data under --state-dir, and creates the topics."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "An existing Kafka cluster (default: start the embedded broker).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties for the cluster (security.protocol, sasl.*, ssl.*, ...).")
    Path kafkaConfig;

    @Option(names = "--model", paramLabel = "FILE", description = "Model to serve until a release is deployed "
            + "(default: the shipped " + Defaults.SHIPPED_MODEL + ").")
    Path model;

    @Option(names = "--state-dir", defaultValue = ".stethostream", paramLabel = "DIR",
            description = "Stream state, model cache and the embedded broker's data (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--broker-port", defaultValue = "9092", description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Ward dashboard, health, metrics and device status (default: ${DEFAULT-VALUE}; 0 any free "
                    + "port, -1 off).")
    int httpPort;

    @Mixin
    HttpOptions http;

    @Option(names = "--standby-replicas", paramLabel = "N", defaultValue = "" + AppConfig.DEFAULT_STANDBY_REPLICAS,
            description = "Warm copies of each device's state on other instances, so that a failed instance's devices "
                    + "resume at once elsewhere (default: ${DEFAULT-VALUE}; no effect with one instance; docs/scale-out.md).")
    int standbyReplicas;

    @Option(names = "--application-id", defaultValue = AppConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id; instances with the same id share the work "
                    + "(default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--hop", paramLabel = "SECONDS", description = "Hop between windows (default: the model's).")
    Double hop;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Monitoring settings (alerts.*, quality.*, batch.*, ...; see docs/protocol.md).")
    Path config;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (0 = all cores).")
    int threads;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: until "
            + "Ctrl-C / SIGTERM).")
    String duration;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path modelFile = model != null ? model : Defaults.shippedModel();
        if (model != null && !Files.isRegularFile(model)) {
            throw new InvalidInputException("no model file at " + model.toAbsolutePath());
        }
        if (kafkaConfig != null && !Files.isRegularFile(kafkaConfig)) {
            throw new InvalidInputException("--kafka-config: no such file " + kafkaConfig);
        }
        Duration limit = duration == null ? null : RollbackCommand.duration(duration);
        MonitoringService.Options options = new MonitoringService.Options(bootstrapServers, kafkaConfig, stateDir,
                brokerPort, modelFile, threads, app(), monitoring(), http.access());
        MonitoringService service;
        try {
            service = MonitoringService.start(options);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "stethostream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ModelMetadata meta = service.slot().metadata();
        out.printf(Locale.ROOT, "stethostream running: Kafka %s%s, model %s %s (release %s), dashboard %s%n",
                service.embeddedBroker() != null ? service.embeddedBroker() : bootstrapServers,
                service.embeddedBroker() != null ? " (embedded, data in " + stateDir.resolve("kafka") + ")" : "",
                meta.modelName(), meta.modelVersion(), service.slot().releaseId().substring(0, 12),
                service.app().httpPort() > 0 ? http.url(service.app().httpPort()) : "off");
        out.flush();
        boolean interrupted = false;
        try {
            if (limit != null) {
                stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                service.app().awaitTermination();
            }
        } catch (InterruptedException e) {
            interrupted = true; // stop as on --duration; the flag is set again once everything is closed
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            service.close();
        } catch (IllegalStateException shuttingDown) {
            stopped.await(60, TimeUnit.SECONDS); // the hook is already closing everything
        }
        out.println("stethostream stopped");
        out.flush();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private AppConfig app() {
        try {
            return AppConfig.defaults(bootstrapServers, stateDir).withApplicationId(applicationId).withHttpPort(httpPort)
                    .withStandbyReplicas(standbyReplicas);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    private MonitoringConfig monitoring() throws IOException {
        try {
            MonitoringConfig m = MonitoringConfig.defaults();
            if (config != null) {
                if (!Files.isRegularFile(config)) {
                    throw new InvalidInputException("--config: no such file " + config);
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(config)) {
                    p.load(r);
                }
                m = MonitoringConfig.fromProperties(p);
            }
            return hop != null ? m.withHopSeconds(hop) : m;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException((config != null ? config + ": " : "") + e.getMessage(), e);
        }
    }
}
