package io.stethostream.agent.app;

import io.stethostream.agent.send.ProducerSettings;
import io.stethostream.agent.source.AudioSource;
import io.stethostream.agent.source.ClipPlayer;
import io.stethostream.agent.source.FileFeed;
import io.stethostream.agent.source.LineInputSource;
import io.stethostream.agent.source.NoSuchInputException;
import io.stethostream.agent.source.Pacer;
import io.stethostream.agent.source.SyntheticFeed;
import io.stethostream.agent.spool.SpoolConfig;
import io.stethostream.ingest.audio.AudioFormatException;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.protocol.KafkaClientConfig;
import io.stethostream.protocol.Topics;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stethostream agent}: streams one stethoscope (a live input, a replayed file or folder, or synthetic sound)
 * to Kafka through the crash-safe spool. Runs until {@code --duration} has passed, the replay ends, or SIGTERM/Ctrl-C,
 * which all shut down cleanly (the spool keeps whatever could not be sent).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Stream a stethoscope's audio to Kafka, store-and-forward through an on-disk spool.")
public final class AgentCommand implements Callable<Integer> {

    /** Exit codes, the same numbers as the CLI's: 0 ok, 2 bad command line, 3 bad input, 4 I/O error, 1 internal. */
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int BAD_INPUT = 3;
    public static final int IO_ERROR = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--device", required = true, paramLabel = "ID", description = "Device id: the record key.")
    String device;

    @ArgGroup(exclusive = true, multiplicity = "1")
    SourceChoice sourceChoice;

    /** Exactly one source. */
    static final class SourceChoice {
        @Option(names = "--input", arity = "0..1", fallbackValue = "", paramLabel = "NAME",
                description = "Live sound input: the default one, or the first whose name contains NAME.")
        String input;

        @Option(names = "--file", paramLabel = "PATH",
                description = "Replay a WAV/FLAC file, or every .wav/.flac of a folder in name order.")
        Path file;

        @Option(names = "--synthetic", paramLabel = "KIND",
                description = "Synthetic sound: normal, crackle, wheeze, both, poor (poor contact), silence.")
        String synthetic;
    }

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka brokers (or bootstrap.servers in --kafka-config).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client .properties (TLS, SASL, timeouts); the agent forces idempotence and acks=all.")
    Path kafkaConfig;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "Spool directory, one per device (default: ~/.stethostream/spool/DEVICE).")
    Path spoolDir;

    @Option(names = "--spool-max-mb", paramLabel = "MB", defaultValue = "1024",
            description = "Spool size limit; when full the oldest audio is dropped (default: ${DEFAULT-VALUE}).")
    long spoolMaxMb;

    @Option(names = "--spool-max-age", paramLabel = "DURATION", defaultValue = "24h",
            converter = DurationConverter.class,
            description = "Spooled audio older than this is dropped (default: ${DEFAULT-VALUE}).")
    Duration spoolMaxAge;

    @Option(names = "--chunk-ms", paramLabel = "MS", defaultValue = "250",
            description = "Chunk length, 20 to 10000 ms (default: ${DEFAULT-VALUE}).")
    int chunkMs;

    @Option(names = "--fast", description = "Replay or synthesise as fast as possible instead of in real time.")
    boolean fast;

    @Option(names = "--loop", description = "Replay the file or folder again and again.")
    boolean loop;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long (60s, 5m, 2h); default: until the replay ends or SIGTERM.")
    Duration duration;

    @Option(names = "--patient", paramLabel = "ID", description = "Patient attribute on every chunk.")
    String patient;

    @Option(names = "--location", paramLabel = "TEXT", description = "Location attribute on every chunk.")
    String location;

    @Option(names = "--compression", paramLabel = "TYPE",
            description = "none, gzip, snappy, lz4 or zstd (default: the config file's, else lz4).")
    String compression;

    @Option(names = "--rate", paramLabel = "HZ", defaultValue = "16000",
            description = "Sample rate of --synthetic, 4000 to 48000 (default: ${DEFAULT-VALUE}).")
    int syntheticRate;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of --synthetic.")
    long seed;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Audio topic (default: " + Topics.AUDIO + ").")
    String topic = Topics.AUDIO;

    @Option(names = "--status-every", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Status line interval (default: ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "On shutdown, keep sending the spool for up to this long (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig config;
        try {
            config = config();
        } catch (NoSuchFileException e) {
            err.println("error: " + describe(e));
            err.flush();
            return BAD_INPUT;
        }
        AudioSource source;
        try {
            source = openSource();
        } catch (NoSuchInputException | NoSuchFileException | AudioFormatException | IllegalArgumentException e) {
            err.println("error: " + describe(e));
            err.flush();
            return BAD_INPUT;
        }
        EdgeAgent agent;
        try {
            agent = EdgeAgent.start(config, source);
        } catch (KafkaException e) {
            err.println("error: Kafka client configuration: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            err.flush();
            return BAD_INPUT;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return IO_ERROR;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM / Ctrl-C: the JVM runs this hook; it shuts the agent down cleanly and the JVM waits for it.
        Thread hook = new Thread(() -> {
            try {
                agent.close();
            } catch (IOException e) {
                System.err.println("error while stopping the agent: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.awaitSourceEnd(duration == null ? Duration.ofDays(365 * 100L) : duration);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                agent.close();
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running: let it finish the shutdown.
                stopped.await();
            }
        }
        if (agent.captureStats().sourceFailed()) {
            err.println("error: capture failed: " + agent.captureStats().lastError());
            err.flush();
            return IO_ERROR;
        }
        return OK;
    }

    private AgentConfig config() throws IOException {
        CommandLine cl = spec.commandLine();
        if (chunkMs < AgentConfig.MIN_CHUNK_MILLIS || chunkMs > AgentConfig.MAX_CHUNK_MILLIS) {
            throw new ParameterException(cl, "--chunk-ms must be " + AgentConfig.MIN_CHUNK_MILLIS + ".."
                    + AgentConfig.MAX_CHUNK_MILLIS + ", got " + chunkMs);
        }
        if (device.isBlank()) {
            throw new ParameterException(cl, "--device must not be blank");
        }
        if (loop && (sourceChoice.file == null)) {
            throw new ParameterException(cl, "--loop applies to --file only");
        }
        if (spoolMaxMb < 1) {
            throw new ParameterException(cl, "--spool-max-mb must be at least 1, got " + spoolMaxMb);
        }
        if (compression != null && !ProducerSettings.COMPRESSIONS.contains(compression)) {
            throw new ParameterException(cl, "--compression must be one of " + ProducerSettings.COMPRESSIONS
                    + ", got " + compression);
        }
        if (sourceChoice.synthetic != null) {
            if (syntheticRate < SynthParameters.MIN_SAMPLE_RATE || syntheticRate > SynthParameters.MAX_SAMPLE_RATE) {
                throw new ParameterException(cl, "--rate must be " + SynthParameters.MIN_SAMPLE_RATE + ".."
                        + SynthParameters.MAX_SAMPLE_RATE + " Hz, got " + syntheticRate);
            }
            try {
                SyntheticFeed.parseKind(sourceChoice.synthetic);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "--synthetic: " + e.getMessage() + " (or poor-contact)");
            }
        }
        Properties client;
        try {
            client = KafkaClientConfig.load(bootstrap, kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        if (patient != null) {
            attributes.put("patient", patient);
        }
        if (location != null) {
            attributes.put("location", location);
        }
        Path spool = spoolDir != null ? spoolDir
                : Path.of(System.getProperty("user.home"), ".stethostream", "spool", device.replaceAll("[^A-Za-z0-9._-]", "_"));
        return new AgentConfig(device, attributes, chunkMs, spool,
                SpoolConfig.ofMaxBytes(spoolMaxMb * 1024 * 1024).withMaxAge(spoolMaxAge),
                ProducerSettings.build(client, compression, "stethostream-agent-" + device), topic, drainTimeout,
                statusEvery);
    }

    private AudioSource openSource() throws IOException, NoSuchInputException {
        if (sourceChoice.input != null) {
            return LineInputSource.open(sourceChoice.input.isEmpty() ? null : sourceChoice.input);
        }
        if (sourceChoice.file != null) {
            return new ClipPlayer(FileFeed.of(sourceChoice.file, loop), new Pacer(!fast));
        }
        SoundKind kind = SyntheticFeed.parseKind(sourceChoice.synthetic);
        return new ClipPlayer(new SyntheticFeed(kind, syntheticRate, seed), new Pacer(!fast));
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile() + (nsf.getReason() != null ? " (" + nsf.getReason() + ")" : "");
        }
        return e.getMessage();
    }

    /** Runs the command on its own (the {@code stethostream} CLI registers it as a subcommand too). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentCommand()).execute(args));
    }
}
