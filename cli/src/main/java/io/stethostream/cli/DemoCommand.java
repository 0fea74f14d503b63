package io.stethostream.cli;

import io.stethostream.agent.app.AgentConfig;
import io.stethostream.agent.app.EdgeAgent;
import io.stethostream.agent.send.ProducerSettings;
import io.stethostream.agent.source.ClipPlayer;
import io.stethostream.agent.source.FileFeed;
import io.stethostream.agent.source.Pacer;
import io.stethostream.agent.source.SyntheticFeed;
import io.stethostream.agent.spool.SpoolConfig;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.training.pretrain.UnlabeledAudio;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code stethostream demo}: the whole system on one machine. The monitoring application on an embedded broker (or a
 * given cluster) with the shipped model, edge agents replaying real recordings and one synthetic poor-contact
 * stethoscope, a live view of predictions and alerts, and a summary. {@code --retrain} adds the retrain-and-redeploy
 * loop while the agents keep streaming.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"End-to-end demo: embedded Kafka, the monitoring application with the shipped model, edge "
                + "agents replaying real SPRSound recordings (demo/recordings) plus a synthetic poor-contact device, and a "
                + "live view of predictions and alerts. Ends after --duration with a summary; Ctrl-C stops it cleanly."})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "75s", paramLabel = "DURATION",
            description = "How long the agents stream (default: ${DEFAULT-VALUE}; the first window needs one window of audio).")
    String duration;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this cluster instead of starting the embedded broker.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties for that cluster.")
    Path kafkaConfig;

    @Option(names = "--recordings", paramLabel = "DIR",
            description = "Folder whose .flac/.wav recordings (in it or below it) the agents replay; an SPRSound or ICBHI "
                    + "layout also serves --retrain (default: demo/recordings).")
    Path recordings;

    @Option(names = "--model", paramLabel = "FILE", description = "Model to serve (default: the shipped one).")
    Path model;

    @Option(names = "--retrain", description = "Also fine-tune the model briefly, export it and deploy it while the "
            + "agents stream; the view shows each device switch to the new version.")
    boolean retrain;

    @Option(names = "--state-dir", defaultValue = ".stethostream/demo", paramLabel = "DIR",
            description = "Broker data, stream state, agent spools (emptied at the start; default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--broker-port", defaultValue = "9092",
            description = "Embedded broker port, so that `alerts --follow` works beside it (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "Ward dashboard, metrics and device status "
            + "(default: ${DEFAULT-VALUE}; 0 any free port, -1 off).")
    int httpPort;

    @Mixin
    HttpOptions http;

    @Option(names = "--status-every", defaultValue = "15s", paramLabel = "DURATION",
            description = "How often the per-device table is printed (default: ${DEFAULT-VALUE}).")
    String statusEvery;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration total = RollbackCommand.duration(duration);
        Duration every = RollbackCommand.duration(statusEvery);
        Path root = Defaults.projectRoot();
        Path recordingDir = recordings != null ? recordings : root.resolve("demo/recordings");
        List<Path> files = recordings(recordingDir);
        Path modelFile = model != null ? model : Defaults.shippedModel();
        if (!Files.isRegularFile(modelFile)) {
            throw new InvalidInputException("no model file at " + modelFile.toAbsolutePath());
        }
        Path weights = root.resolve(Defaults.SHIPPED_WEIGHTS);
        if (retrain && !Files.isRegularFile(weights)) {
            throw new InvalidInputException("--retrain needs the shipped model's weights at " + weights);
        }
        deleteRecursively(stateDir);
        String run = Long.toString(System.currentTimeMillis() / 1000, 36);
        // On a shared cluster, a fresh application id and device ids keep earlier demos' records out of this one.
        boolean external = bootstrapServers != null || kafkaConfig != null;
        String suffix = external ? "@" + run : "";
        AppConfig app = AppConfig.defaults(null, stateDir).withHttpPort(httpPort)
                .withApplicationId(external ? "stethostream-demo-" + run : "stethostream-demo");

        out.println("starting " + (external ? "the monitoring application on " + bootstrapServers
                : "an embedded Kafka broker (localhost:" + brokerPort + ") and the monitoring application") + " ...");
        out.flush();
        List<EdgeAgent> agents = new ArrayList<>();
        long t0 = System.nanoTime();
        try (MonitoringService service = MonitoringService.start(new MonitoringService.Options(bootstrapServers,
                kafkaConfig, stateDir, brokerPort, modelFile, 0, app, MonitoringConfig.defaults(), http.access()))) {
            if (!service.app().awaitRunning(Duration.ofSeconds(60))) {
                throw new IOException("the monitoring application did not reach RUNNING within 60 s");
            }
            ModelMetadata meta = service.slot().metadata();
            long hopMicros = Math.round(service.slot().featureSpec().hopSeconds() * 1e6);
            out.printf(Locale.ROOT, "model %s %s: %.0f s windows every %.0f s; labels %s%n", meta.modelName(),
                    meta.modelVersion(), meta.featureSpec().windowSeconds(), meta.featureSpec().hopSeconds(),
                    meta.labels());
            if (service.app().httpPort() > 0) {
                out.println("ward dashboard: " + http.url(service.app().httpPort()) + " (also /metrics, /devices)");
            }
            Properties client = service.client();
            try (DemoConsole console = new DemoConsole(client, out, hopMicros)) {
                console.start();
                for (Path f : files) {
                    DemoDevice d = DemoDevice.of(f);
                    agents.add(agent(d.id() + suffix, d.attributes(), new ClipPlayer(FileFeed.of(f, true),
                            new Pacer(true)), client));
                }
                agents.add(agent("synthetic-poor-contact" + suffix, Map.of(),
                        new ClipPlayer(new SyntheticFeed(SoundKind.POOR, 16_000, 1), new Pacer(true)), client));
                out.printf(Locale.ROOT, "%d edge agents streaming in real time: %d replaying %s (looped), 1 synthetic "
                        + "poor-contact stethoscope; alerts print as they change, a table every %d s%n%n",
                        agents.size(), files.size(), recordingDir, every.toSeconds());
                out.flush();

                CountDownLatch interrupted = new CountDownLatch(1);
                Thread hook = new Thread(interrupted::countDown, "demo-interrupt");
                Runtime.getRuntime().addShutdownHook(hook);
                AtomicLong deployedAt = new AtomicLong();
                Thread retrainer = retrain ? startRetrain(recordingDir, files.get(0), meta.featureSpec(),
                        weights, client, out, deployedAt) : null;
                long deadline = System.nanoTime() + total.toNanos();
                boolean stopped = false;
                while (!stopped && System.nanoTime() < deadline) {
                    long wait = Math.min(every.toMillis(), (deadline - System.nanoTime()) / 1_000_000);
                    stopped = interrupted.await(Math.max(1, wait), TimeUnit.MILLISECONDS);
                    if (!stopped && deadline - System.nanoTime() > 1_000_000_000L) {
                        console.printTable(String.format(Locale.ROOT, "after %.0f s:", (System.nanoTime() - t0) / 1e9));
                    }
                }
                if (!stopped && retrainer != null && retrainer.isAlive()) {
                    // The loop is the point of --retrain: give it time to finish and the stream time to show it.
                    out.println("waiting for the retrain to finish (the agents keep streaming) ...");
                    out.flush();
                    long until = System.nanoTime() + RETRAIN_GRACE.toNanos();
                    while (retrainer.isAlive() && System.nanoTime() < until && !stopped) {
                        stopped = interrupted.await(1, TimeUnit.SECONDS);
                    }
                }
                long deployed = deployedAt.get();
                if (!stopped && deployed != 0) {
                    // A release deployed just before the end: let every device show its switch before stopping.
                    long left = deployed + AFTER_DEPLOY.toNanos() - System.nanoTime();
                    if (left > 0) {
                        stopped = interrupted.await(left / 1_000_000 + 1, TimeUnit.MILLISECONDS);
                    }
                }
                out.println(stopped ? "interrupted: stopping the agents and the application ..."
                        : "time is up: stopping the agents and waiting for the last windows ...");
                out.flush();
                closeAgents(agents);
                if (!stopped) {
                    Thread.sleep(3000); // let the stream publish what the agents sent last
                }
                if (retrainer != null) {
                    retrainer.interrupt();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting on Ctrl-C: everything below still closes in order
                }
                int gaps = console.printSummary((System.nanoTime() - t0) / 1e9);
                return console.windows() > 0 && gaps == 0 ? ExitCodes.OK : ExitCodes.SOFTWARE;
            }
        } finally {
            closeAgents(agents);
        }
    }

    private EdgeAgent agent(String device, Map<String, String> attributes, ClipPlayer source, Properties client)
            throws IOException {
        AgentConfig config = new AgentConfig(device, attributes, 250,
                stateDir.resolve("spool").resolve(device.replaceAll("[^A-Za-z0-9._-]", "_")),
                SpoolConfig.ofMaxBytes(64L * 1024 * 1024), ProducerSettings.build(client, "lz4",
                "stethostream-demo-" + device), null, Duration.ofSeconds(5), Duration.ofMinutes(10));
        return EdgeAgent.start(config, source);
    }

    private Thread startRetrain(Path data, Path verifyAudio, FeatureSpec served, Path weights, Properties client,
                                PrintWriter out, AtomicLong deployedAt) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(15_000); // let the first windows of the shipped model appear
                new DemoRetrain(data, verifyAudio, served, weights, stateDir.resolve("retrain"), out).run(client);
                deployedAt.set(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                synchronized (out) {
                    out.println("RETRAIN  failed: " + e.getMessage());
                    out.flush();
                }
            }
        }, "demo-retrain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<Path> recordings(Path dir) throws IOException {
        try {
            return UnlabeledAudio.audioFilesIn(dir);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--recordings: " + e.getMessage());
        }
    }

    private static void closeAgents(List<EdgeAgent> agents) {
        for (EdgeAgent a : agents) {
            try {
                a.close();
            } catch (IOException | RuntimeException e) {
                // shutting down: a failed flush leaves the chunks in the (throw-away) spool
            }
        }
        agents.clear();
    }

    /** Empties a demo state folder; refuses a non-empty folder that an earlier demo did not create. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            Files.createFile(dir.resolve(MARKER));
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent() && !Files.exists(dir.resolve(MARKER))) {
                throw new InvalidInputException("--state-dir " + dir + " is not empty and was not made by `demo`; "
                        + "refusing to empty it");
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.equals(dir.resolve(MARKER))) {
                    Files.delete(p);
                }
            }
        }
    }

    private static final String MARKER = ".stethostream-demo";
    /** Longest the demo outlives --duration for an unfinished retrain. */
    private static final Duration RETRAIN_GRACE = Duration.ofMinutes(5);
    /** How long the agents keep streaming after a late deploy, so the switch shows. */
    private static final Duration AFTER_DEPLOY = Duration.ofSeconds(20);
}
