package io.stethostream.streams.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.Normalization;
import io.stethostream.ingest.features.StreamingFeatures;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.Encoding;
import io.stethostream.protocol.Topics;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.streams.app.AppConfig;
import io.stethostream.streams.app.MonitoringApp;
import io.stethostream.streams.app.MonitoringService;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import io.stethostream.streams.topology.MonitoringConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Capacity of one monitoring instance on this machine, in one process:
 *
 * <ol>
 *   <li>the pure inference capacity: windows per second that {@link OnnxModel#predict} alone sustains on the model's
 *       window input (batch 1 and batch 8, the stream's ONNX Runtime threads), and the cost of the features of one
 *       hop ({@link StreamingFeatures} plus normalisation);</li>
 *   <li>one {@link MonitoringService} (exactly-once, HTTP off, fresh state) and N synthetic devices streaming in real
 *       time (16 kHz PCM16, 250 ms chunks, capture time = wall clock, a looped 30 s clip per sound kind, devices'
 *       phases spread over one hop), through one shared producer;</li>
 *   <li>a read_committed consumer of {@code stethoscope.predictions} measuring, per step, windows received against
 *       windows expected, the latency from the end of a window's audio to its prediction being readable, and the
 *       consumer lag of the application on the audio topic;</li>
 *   <li>N grows by {@code devicesStep} every {@code stepDuration} while the step holds (see {@link Criteria}); the
 *       largest N that held is then held for {@code hold} and judged by the same criteria. When the ramp ended on
 *       a failed step, every device is paused until its backlog has drained and the hold starts N fresh devices
 *       (judged, like a step, from their first window on). A failed hold is tried again, the same way, with
 *       {@code devicesStep} fewer devices, up to {@code holdRetries} times: a one-minute step can pass at an N
 *       that five minutes cannot, and the figure wanted is the largest N held for the whole hold.</li>
 * </ol>
 *
 * Latency includes the exactly-once commit interval (500 ms by default): a read_committed reader only sees a
 * prediction once the stream's transaction commits, which is what a consumer of the product sees too.
 */
public final class StreamCapacityBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCapacityBenchmark.class);

    /** Audio rate of the synthetic devices (the shipped model's rate: no resampling in the stream). */
    public static final int SAMPLE_RATE = 16_000;
    /** Chunk length the edge agent sends. */
    public static final long CHUNK_MICROS = 250_000;
    /** Length of the looped clip per sound kind. */
    public static final double CLIP_SECONDS = 30.0;
    private static final double GOLDEN = 0.6180339887498949;
    private double[] lastInference = {0, 0}; // StreamMetrics.inferenceTotals at the last progress line

    /**
     * Benchmark settings.
     *
     * @param devicesStart      devices in the first step
     * @param devicesStep       devices added per step
     * @param devicesMax        most devices tried
     * @param stepDuration      length of each step
     * @param hold              how long the largest N that held is held at the end (zero: no hold phase)
     * @param model             the model to serve and to measure
     * @param threads           ONNX Runtime intra-op threads, for the stream and for the inference measurement (0: all cores)
     * @param bootstrapServers  an existing cluster, or null for a fresh embedded broker in {@code workDir}
     * @param workDir           state and broker data; null: a temporary folder, deleted at the end
     * @param inferenceSeconds  how long each pure-inference measurement runs
     * @param progressEvery     how often a progress line is printed
     * @param streamsSettings   extra Kafka Streams settings for the instance (commit.interval.ms, say)
     * @param drainTimeout      how long to wait for the backlog of a failed step to drain before the hold
     * @param topologySettings  monitoring topology settings ({@link MonitoringConfig} keys) over its defaults
     * @param warmup            how long half of {@code devicesStart} devices stream, unjudged, before the first step:
     *                          a fresh JVM compiles its hot code in the first seconds, which is not the steady state
     * @param holdRetries       how many more holds, each with {@code devicesStep} fewer devices, after a failed one
     */
    public record Config(int devicesStart, int devicesStep, int devicesMax, Duration stepDuration, Duration hold,
                         Path model, int threads, String bootstrapServers, Path workDir, double inferenceSeconds,
                         Duration progressEvery, Duration drainTimeout, Map<String, String> streamsSettings,
                         Map<String, String> topologySettings, Duration warmup, int holdRetries) {

        public Config {
            if (devicesStart < 1 || devicesStep < 1 || devicesMax < devicesStart) {
                throw new IllegalArgumentException("need devices-start >= 1, devices-step >= 1 and devices-max >= "
                        + "devices-start; got " + devicesStart + ", " + devicesStep + ", " + devicesMax);
            }
            if (stepDuration.toMillis() < 5_000) {
                throw new IllegalArgumentException("step duration must be at least 5 s, got " + stepDuration);
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warm-up must be >= 0, got " + warmup);
            }
            if (hold.isNegative()) {
                throw new IllegalArgumentException("hold must be >= 0, got " + hold);
            }
            if (holdRetries < 0) {
                throw new IllegalArgumentException("hold retries must be >= 0, got " + holdRetries);
            }
            Objects.requireNonNull(model, "model");
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
            if (!(inferenceSeconds > 0)) {
                throw new IllegalArgumentException("inference seconds must be > 0, got " + inferenceSeconds);
            }
            streamsSettings = Map.copyOf(streamsSettings == null ? Map.of() : streamsSettings);
            topologySettings = Map.copyOf(topologySettings == null ? Map.of() : topologySettings);
            monitoringConfig(topologySettings); // an unknown value fails here, naming the key
        }

        /** The topology's settings: its defaults with {@link #topologySettings} applied. */
        public MonitoringConfig monitoringConfig() {
            return monitoringConfig(topologySettings);
        }

        private static MonitoringConfig monitoringConfig(Map<String, String> settings) {
            Properties p = new Properties();
            p.putAll(settings);
            return MonitoringConfig.fromProperties(p);
        }

        /** The defaults of {@code stethostream bench stream}. */
        public static Config defaults(Path model) {
            return new Config(4, 4, 200, Duration.ofSeconds(60), Duration.ofMinutes(5), model, 0, null, null, 10.0,
                    Duration.ofSeconds(10), Duration.ofMinutes(2), Map.of(), Map.of(), Duration.ofSeconds(45), 2);
        }
    }

    /** When a step (or the hold) counts as held. */
    public record Criteria(double maxP99Seconds, double maxLatencyGrowthSeconds, double minReceivedFraction) {
    }

    /** Pure inference and feature cost, measured before the stream starts. */
    public record InferenceCapacity(int threads, String device, double batch1WindowsPerSecond,
                                    double batch8WindowsPerSecond, double bestWindowsPerSecond,
                                    double batch1MillisPerWindow, double featureMillisPerHop,
                                    double devicesBoundBatch1, double devicesBoundBest) {
    }

    /**
     * One measured phase: a step of the ramp or the final hold. Windows are counted by their capture end in
     * [{@code evalStart}, {@code evalEnd} - hop): expected from the devices' schedule, received if read by the end.
     */
    public record Phase(String phase, int index, int devices, double seconds, double evaluatedSeconds,
                        long expectedWindows, long receivedWindows, double receivedFraction, long notInferredWindows,
                        long duplicateWindows, double windowsPerSecond, double expectedWindowsPerSecond,
                        long latencySamples, double p50Ms, double p90Ms, double p99Ms, double maxMs,
                        double latencyGrowthMs, long lagStartRecords, long lagEndRecords, long lagMaxRecords,
                        long chunksSent, double loadAverage, boolean held, String verdict) {
    }

    public record Machine(int cores, String cpuModel, String os, String java, double loadAverageAtStart) {
    }

    public record ModelInfo(String file, String name, String version, double windowSeconds, double hopSeconds,
                            int targetFrames, int melBins) {
    }

    /**
     * Everything the run measured; {@link #toJson} writes it. {@code largestHeldDevices} is the N the ratio stands
     * on: the largest N held for the whole hold when a hold was asked for (0 if none held), else the ramp's;
     * {@code holds} are the holds tried, in order.
     */
    public record Result(String startedAt, Machine machine, ModelInfo model, Map<String, Object> settings,
                         Criteria criteria, InferenceCapacity inference, InferenceCapacity inferenceAfter,
                         double inferenceBoundDevices, double inferenceBoundDevicesBatch1, List<Phase> steps,
                         int largestHeldInRampDevices, double rampRatioToInferenceBound, int largestHeldDevices,
                         List<Phase> holds, Double p50MsAtHeld, Double p99MsAtHeld,
                         double ratioToInferenceBound, double ratioToInferenceBoundBatch1, boolean targetMet,
                         List<String> notes) {

        /** The last hold tried (null: none); in the JSON as before. */
        @JsonProperty("hold")
        public Phase hold() {
            return holds.isEmpty() ? null : holds.get(holds.size() - 1);
        }

        /** Whether the last hold held (null: no hold); in the JSON as before. */
        @JsonProperty("holdHeld")
        public Boolean holdHeld() {
            Phase last = hold();
            return last == null ? null : last.held();
        }
    }

    private record Received(String device, long windowEndMicros, long receivedMicros, boolean inferred) {
    }

    /** One synthetic device: a kind, a start (its phase), an offset into the clip, and a sequence. */
    private static final class Device {
        final String id;
        final int kind;
        final int clipOffset;
        final long startMicros;
        long seq;
        volatile long stopMicros = Long.MAX_VALUE;

        Device(String id, int kind, int clipOffset, long startMicros) {
            this.id = id;
            this.kind = kind;
            this.clipOffset = clipOffset;
            this.startMicros = startMicros;
        }

        /** Window ends of this device's stream in [from, to), for audio sent before its stop. */
        long windowEndsIn(long from, long to, long windowMicros, long hopMicros) {
            long first = startMicros + windowMicros;
            long last = Math.min(to - 1, stopMicros);
            if (last < first || last < from) {
                return 0;
            }
            long kFrom = from <= first ? 0 : ceilDiv(from - first, hopMicros);
            long kTo = Math.floorDiv(last - first, hopMicros);
            return Math.max(0, kTo - kFrom + 1);
        }
    }

    private final Config config;
    private final Consumer<String> progress;
    private final ObjectMapper json = new ObjectMapper();
    private final String runId = "bench" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

    private final AtomicReference<List<Device>> active = new AtomicReference<>(List.of());
    private final List<Device> allDevices = new ArrayList<>();
    private final AtomicLong chunksSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final ConcurrentLinkedQueue<Received> inbox = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private long duplicates;

    private float[][][] clips; // [kind][chunk][samples]
    private long windowMicros;
    private long hopMicros;
    private Criteria criteria;

    public StreamCapacityBenchmark(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** Runs the whole benchmark; returns when the hold is over (or the ramp found no N that holds). */
    public Result run() throws IOException, InterruptedException {
        String startedAt = Instant.now().toString();
        Machine machine = machine();
        List<String> notes = new ArrayList<>();

        InferenceCapacity inference;
        ModelInfo modelInfo;
        FeatureSpec spec;
        try (OnnxModel model = OnnxModel.open(config.model(), new OnnxModel.Options(config.threads(),
                OnnxModel.Device.AUTO))) {
            ModelMetadata meta = model.metadata();
            spec = meta.featureSpec();
            modelInfo = new ModelInfo(config.model().toString(), meta.modelName(), meta.modelVersion(),
                    spec.windowSeconds(), spec.hopSeconds(), spec.targetFrames(), spec.melBins());
            if (spec.sampleRate() != SAMPLE_RATE) {
                notes.add("the model's rate is " + spec.sampleRate() + " Hz: the stream resamples the 16 kHz devices");
            }
            windowMicros = Math.round(spec.windowSeconds() * 1e6);
            hopMicros = Math.round(spec.hopSeconds() * 1e6);
            criteria = new Criteria(spec.hopSeconds(), spec.hopSeconds() / 4, 0.9);
            progress.accept(String.format(Locale.ROOT, "model %s %s on %s; %d cores (%s), load average %.2f",
                    meta.modelName(), meta.modelVersion(), model.device(), machine.cores(), machine.cpuModel(),
                    machine.loadAverageAtStart()));
            makeClips();
            inference = measureInference(model, spec);
        }
        progress.accept(String.format(Locale.ROOT, "pure inference: %.1f windows/s at batch 1 (%.1f ms each), "
                        + "%.1f windows/s at batch 8; features %.2f ms per hop -> inference-bound %.0f devices "
                        + "(batch 1: %.0f)", inference.batch1WindowsPerSecond(), inference.batch1MillisPerWindow(),
                inference.batch8WindowsPerSecond(), inference.featureMillisPerHop(), inference.devicesBoundBest(),
                inference.devicesBoundBatch1()));

        Path work = config.workDir() != null ? config.workDir() : Files.createTempDirectory("stethostream-bench-");
        Files.createDirectories(work);
        List<Phase> steps = new ArrayList<>();
        List<Phase> holds = new ArrayList<>();
        int largestHeld = 0;
        EmbeddedKafkaBroker broker = null;
        MonitoringService service = null;
        KafkaProducer<byte[], byte[]> producer = null;
        Thread ticker = null;
        Thread reader = null;
        KafkaConsumer<byte[], byte[]> consumer = null;
        Admin admin = null;
        try {
            String bootstrap = config.bootstrapServers();
            if (bootstrap == null) {
                // Our own broker, so that audio older than the run needs no disk: a deletion retention of 10 minutes.
                broker = new EmbeddedKafkaBroker(work.resolve("kafka"), 0, Map.of(
                        "log.retention.ms", "600000", "log.segment.bytes", String.valueOf(64 * 1024 * 1024),
                        "log.retention.check.interval.ms", "60000")).start();
                bootstrap = broker.bootstrapServers();
            }
            Path clientFile = work.resolve("bench-client.properties");
            // A fresh application id: start at the end of the audio topic, not at old audio on a shared cluster.
            // Extra Kafka Streams settings (commit.interval.ms, say) go in the same file, which the app applies first.
            StringBuilder clientProps = new StringBuilder("main.consumer.auto.offset.reset=latest\n");
            config.streamsSettings().forEach((k, v) -> clientProps.append(k).append('=').append(v).append('\n'));
            Files.writeString(clientFile, clientProps.toString());
            String applicationId = "stethostream-bench-" + runId;
            AppConfig app = new AppConfig(applicationId, bootstrap, clientFile, work.resolve("streams"), -1, true, 4,
                    (short) -1, 1, 0);
            service = MonitoringService.start(new MonitoringService.Options(bootstrap, clientFile, work,
                    0, config.model(), config.threads(), app, config.monitoringConfig()));
            if (!service.app().awaitRunning(Duration.ofSeconds(120))) {
                throw new IOException("the monitoring application did not reach RUNNING: " + service.app().state());
            }
            Properties client = new Properties();
            client.setProperty("bootstrap.servers", bootstrap);
            admin = Admin.create(client);
            consumer = predictionsConsumer(bootstrap);
            KafkaConsumer<byte[], byte[]> c = consumer;
            reader = new Thread(() -> readPredictions(c), "bench-predictions");
            reader.setDaemon(true);
            reader.start();
            producer = producer(bootstrap);
            KafkaProducer<byte[], byte[]> p = producer;
            ticker = new Thread(() -> tick(p), "bench-devices");
            ticker.setDaemon(true);
            ticker.start();

            int pool = config.monitoringConfig().inferenceThreads();
            progress.accept("stream running (application " + applicationId + ", exactly-once, 1 stream thread, model "
                    + (pool > 0 ? "in a pool of " + pool + " thread(s)" : "in the stream thread") + ", Kafka "
                    + bootstrap + (broker != null ? " embedded" : "") + ")");
            int n = config.devicesStart();
            if (!config.warmup().isZero()) {
                setDevices(Math.max(1, n / 2));
                measure("warm-up", 0, Math.max(1, n / 2), config.warmup(), admin, service, applicationId, true);
            }
            int index = 1;
            while (true) {
                setDevices(n);
                Phase step = measure("step", index, n, config.stepDuration(), admin, service, applicationId, true);
                steps.add(step);
                if (!step.held()) {
                    break;
                }
                largestHeld = n;
                if (n >= config.devicesMax()) {
                    notes.add("the ramp reached --devices-max (" + n + ") without failing a step");
                    break;
                }
                n = Math.min(n + config.devicesStep(), config.devicesMax());
                index++;
            }
            if (largestHeld > 0 && !config.hold().isZero()) {
                int holdN = largestHeld;
                boolean fresh = steps.get(steps.size() - 1).devices() != holdN;
                for (int attempt = 0; ; attempt++) {
                    if (fresh) {
                        // At the edge of capacity a failed phase's backlog cannot drain while devices stream: pause
                        // them all, drain, then start N fresh devices (a clean start, judged after their first
                        // window).
                        restartDevices(0);
                        drain(admin, applicationId);
                        restartDevices(holdN);
                    }
                    Phase h = measure("hold", attempt == 0 ? 0 : attempt + 1, holdN, config.hold(), admin, service,
                            applicationId, fresh);
                    holds.add(h);
                    if (h.held() || attempt >= config.holdRetries() || holdN - config.devicesStep() < 1) {
                        break;
                    }
                    holdN -= config.devicesStep();
                    fresh = true;
                }
            }
        } finally {
            active.set(List.of());
            if (ticker != null) {
                ticker.interrupt();
                ticker.join(5_000);
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
            if (consumer != null) {
                consumer.wakeup();
            }
            if (reader != null) {
                reader.join(5_000);
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (service != null) {
                service.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (config.workDir() == null) {
                deleteTree(work);
            }
        }
        // Once more with the stream stopped: on a shared machine the load changes, so the capacity is bracketed and
        // the higher of the two is used (the stricter ratio).
        InferenceCapacity after;
        try (OnnxModel model = OnnxModel.open(config.model(), new OnnxModel.Options(config.threads(),
                OnnxModel.Device.AUTO))) {
            after = measureInference(model, spec);
        }
        progress.accept(String.format(Locale.ROOT, "pure inference after the stream: %.1f windows/s at batch 1, "
                        + "%.1f at batch 8", after.batch1WindowsPerSecond(), after.batch8WindowsPerSecond()));
        double bound = Math.max(inference.devicesBoundBest(), after.devicesBoundBest());
        double bound1 = Math.max(inference.devicesBoundBatch1(), after.devicesBoundBatch1());
        if (sendErrors.get() > 0) {
            notes.add(sendErrors.get() + " audio chunks failed to send");
        }
        if (largestHeld == 0) {
            notes.add("no step held, not even " + config.devicesStart() + " devices");
        }
        notes.add("latency = time the read_committed consumer received the prediction - capture end of the window; "
                + "it includes the exactly-once commit interval (" + config.streamsSettings().getOrDefault(
                "commit.interval.ms", String.valueOf(MonitoringApp.DEFAULT_COMMIT_INTERVAL_MS)) + " ms)");
        // The figures stand on the phase that held at the N reported: the hold when one was asked for, else the
        // ramp's last held step.
        Phase atHeld = null;
        List<Phase> candidates = holds.isEmpty() && config.hold().isZero() ? steps : holds;
        for (Phase p : candidates) {
            if (p.held()) {
                atHeld = p;
            }
        }
        if (!holds.isEmpty() && !holds.get(holds.size() - 1).held()) {
            notes.add("no hold held: tried N=" + holds.stream().map(h -> String.valueOf(h.devices()))
                    .collect(Collectors.joining(", ")));
        }
        int reported = config.hold().isZero() ? largestHeld : atHeld == null ? 0 : atHeld.devices();
        double rampRatio = bound > 0 ? largestHeld / bound : 0;
        double ratio = bound > 0 ? reported / bound : 0;
        double ratio1 = bound1 > 0 ? reported / bound1 : 0;
        boolean target = reported > 0 && ratio >= 0.8 && atHeld != null
                && atHeld.p99Ms() < criteria.maxP99Seconds() * 1000;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("devicesStart", config.devicesStart());
        settings.put("devicesStep", config.devicesStep());
        settings.put("devicesMax", config.devicesMax());
        settings.put("stepSeconds", config.stepDuration().toMillis() / 1000.0);
        settings.put("holdSeconds", config.hold().toMillis() / 1000.0);
        settings.put("ortThreads", config.threads());
        settings.put("kafka", config.bootstrapServers() == null ? "embedded" : config.bootstrapServers());
        settings.put("streamThreads", 1);
        settings.put("partitions", 4);
        settings.put("processingGuarantee", "exactly_once_v2");
        settings.put("streamsSettings", config.streamsSettings());
        settings.put("topologySettings", config.topologySettings());
        settings.put("warmupSeconds", config.warmup().toMillis() / 1000.0);
        settings.put("holdRetries", config.holdRetries());
        settings.put("sampleRate", SAMPLE_RATE);
        settings.put("chunkMs", CHUNK_MICROS / 1000);
        settings.put("clipSeconds", CLIP_SECONDS);
        return new Result(startedAt, machine, modelInfo, settings, criteria, inference, after, bound, bound1, steps,
                largestHeld, rampRatio, reported, List.copyOf(holds), atHeld == null ? null : atHeld.p50Ms(),
                atHeld == null ? null : atHeld.p99Ms(), ratio, ratio1, target, notes);
    }

    // ---------------------------------------------------------------- pure inference

    private InferenceCapacity measureInference(OnnxModel model, FeatureSpec spec) {
        float[] one = windowInput(spec);
        float[] eight = new float[one.length * 8];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(one, 0, eight, i * one.length, one.length);
        }
        double r1 = rate(model, one, 1);
        double r8 = rate(model, eight, 8);
        double featureMs = featureMillisPerHop(spec);
        double best = Math.max(r1, r8);
        double perDevice = 1.0 / spec.hopSeconds();
        return new InferenceCapacity(config.threads(), model.device(), r1, r8, best, 1000.0 / r1, featureMs,
                r1 / perDevice, best / perDevice);
    }

    /** Windows per second of {@code predict} on a batch of {@code b}, after a warm-up. */
    private double rate(OnnxModel model, float[] input, int b) {
        long warmUntil = System.nanoTime() + (long) (Math.min(2.0, config.inferenceSeconds() / 3) * 1e9);
        do {
            model.predict(input, b);
        } while (System.nanoTime() < warmUntil);
        long t0 = System.nanoTime();
        long until = t0 + (long) (config.inferenceSeconds() * 1e9);
        long windows = 0;
        long t;
        do {
            model.predict(input, b);
            windows += b;
            t = System.nanoTime();
        } while (t < until);
        return windows / ((t - t0) / 1e9);
    }

    /** The model input of one window of the normal clip, as the stream computes it. */
    private float[] windowInput(FeatureSpec spec) {
        StreamingFeatures f = new StreamingFeatures(spec);
        f.append(flatClip(0));
        StreamingFeatures.Window w = f.poll().orElseThrow();
        return Normalization.toTargetLength(Normalization.normaliseInPlace(w.logMel(), spec), spec).data();
    }

    /** Milliseconds to append one hop of audio and compute its window's model input, frames reused. */
    private double featureMillisPerHop(FeatureSpec spec) {
        float[] clip = flatClip(1);
        int hop = spec.hopSamples();
        long windows = 0;
        long nanos = 0;
        long until = System.nanoTime() + (long) (Math.min(3.0, config.inferenceSeconds()) * 1e9);
        while (System.nanoTime() < until || windows < 20) {
            StreamingFeatures f = new StreamingFeatures(spec);
            f.append(clip, 0, spec.windowSamples());
            f.poll().orElseThrow();
            for (int at = spec.windowSamples(); at + hop <= clip.length; at += hop) {
                long t0 = System.nanoTime();
                f.append(clip, at, hop);
                StreamingFeatures.Window w = f.poll().orElseThrow();
                FeatureMatrix m = Normalization.toTargetLength(Normalization.normaliseInPlace(w.logMel(), spec), spec);
                nanos += System.nanoTime() - t0;
                if (m.data().length == 0) {
                    throw new IllegalStateException("empty features");
                }
                windows++;
            }
        }
        return nanos / 1e6 / windows;
    }

    // ---------------------------------------------------------------- devices

    private void makeClips() {
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        int perChunk = (int) (SAMPLE_RATE * CHUNK_MICROS / 1_000_000);
        int chunks = (int) Math.round(CLIP_SECONDS * 1e6 / CHUNK_MICROS);
        clips = new float[kinds.length][chunks][];
        for (int k = 0; k < kinds.length; k++) {
            float[] x = RespiratorySoundGenerator.generate(SynthParameters.of(kinds[k], CLIP_SECONDS, 17 + k))
                    .clip().samples();
            for (int c = 0; c < chunks; c++) {
                float[] part = new float[perChunk];
                int from = c * perChunk;
                System.arraycopy(x, from, part, 0, Math.max(0, Math.min(perChunk, x.length - from)));
                clips[k][c] = part;
            }
        }
    }

    private float[] flatClip(int kind) {
        float[][] c = clips[kind];
        float[] out = new float[c.length * c[0].length];
        for (int i = 0; i < c.length; i++) {
            System.arraycopy(c[i], 0, out, i * c[0].length, c[i].length);
        }
        return out;
    }

    /** Makes exactly the first {@code n} devices active; new ones start now plus their phase within one hop. */
    private void setDevices(int n) {
        long now = nowMicros();
        while (allDevices.size() < n) {
            allDevices.add(newDevice(allDevices.size(), "", now));
        }
        stop(allDevices.subList(n, allDevices.size()), now);
        active.set(List.copyOf(allDevices.subList(0, n)));
    }

    /** Stops every device and starts {@code n} new ones (new ids and phases) from now. */
    private void restartDevices(int n) {
        long now = nowMicros();
        stop(allDevices, now);
        List<Device> next = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            next.add(newDevice(i, "h", now));
        }
        allDevices.addAll(next);
        active.set(List.copyOf(next));
    }

    /** Device {@code i}: kind i mod 3, its own clip offset, a phase spread over one hop (golden-ratio sequence). */
    private Device newDevice(int i, String idTag, long now) {
        double phase = (i * GOLDEN) % 1.0;
        int kind = i % 3;
        int offset = (int) ((i * 37L) % clips[kind].length);
        return new Device(runId + "-" + kindName(kind) + "-" + idTag + i, kind, offset,
                now + Math.round(phase * hopMicros));
    }

    private static void stop(List<Device> devices, long now) {
        for (Device d : devices) {
            if (d.stopMicros == Long.MAX_VALUE) {
                d.stopMicros = now;
            }
        }
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case 0 -> "normal";
            case 1 -> "crackle";
            default -> "wheeze";
        };
    }

    /** Sends every chunk whose audio has been "captured" by now, for every active device; every 10 ms. */
    private void tick(KafkaProducer<byte[], byte[]> producer) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long now = nowMicros();
                for (Device d : active.get()) {
                    while (d.startMicros + (d.seq + 1) * CHUNK_MICROS <= now && d.stopMicros == Long.MAX_VALUE) {
                        float[][] clip = clips[d.kind];
                        float[] samples = clip[(int) ((d.clipOffset + d.seq) % clip.length)];
                        AudioChunk chunk = new AudioChunk(d.id, d.seq, d.startMicros + d.seq * CHUNK_MICROS,
                                SAMPLE_RATE, Encoding.PCM_S16LE, samples, Map.of());
                        producer.send(new ProducerRecord<>(Topics.AUDIO, d.id.getBytes(StandardCharsets.UTF_8),
                                AudioChunkCodec.encode(chunk)), (meta, e) -> {
                                    if (e != null) {
                                        sendErrors.incrementAndGet();
                                    }
                                });
                        d.seq++;
                        chunksSent.incrementAndGet();
                    }
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the device ticker failed", e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p);
    }

    // ---------------------------------------------------------------- predictions

    private static KafkaConsumer<byte[], byte[]> predictionsConsumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo info : c.partitionsFor(Topics.PREDICTIONS, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(info.topic(), info.partition()));
        }
        c.assign(parts);
        c.seekToEnd(parts);
        for (TopicPartition tp : parts) {
            c.position(tp, Duration.ofSeconds(30)); // resolve now, before any device sends
        }
        return c;
    }

    private void readPredictions(KafkaConsumer<byte[], byte[]> consumer) {
        String prefix = runId + "-";
        try (consumer) {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                long at = nowMicros();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        JsonNode n = json.readTree(r.value());
                        String device = n.path("device").asText("");
                        if (!device.startsWith(prefix)) {
                            continue;
                        }
                        inbox.add(new Received(device, n.path("windowEndMicros").asLong(), at,
                                n.path("inferred").asBoolean(false)));
                    } catch (IOException e) {
                        LOG.warn("unreadable prediction: {}", e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("the predictions reader failed", e);
        }
    }

    private void drainInbox() {
        Received r;
        while ((r = inbox.poll()) != null) {
            if (seen.add(r.device() + "@" + r.windowEndMicros())) {
                received.add(r);
            } else {
                duplicates++;
            }
        }
    }

    // ---------------------------------------------------------------- measurement

    /** Lag of the application on the audio topic, in records (end offsets minus committed offsets). */
    private static long lag(Admin admin, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < 64; p++) {
                // partitions of the audio topic: ask for those the group knows plus the usual four
                TopicPartition tp = new TopicPartition(Topics.AUDIO, p);
                if (committed.containsKey(tp) || p < 4) {
                    ask.put(tp, OffsetSpec.latest());
                }
            }
            var ends = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    private Phase measure(String phase, int index, int devices, Duration length, Admin admin,
                          MonitoringService service, String group, boolean newDevices)
            throws InterruptedException {
        long start = nowMicros();
        long end = start + length.toMillis() * 1000;
        // New devices produce their first window one window length after they start: judge the step after that.
        long warm = Math.min(windowMicros + hopMicros, (end - start) / 2);
        long evalStart = newDevices ? start + warm : start;
        long sentAtStart = chunksSent.get();
        long nextProgress = start + config.progressEvery().toMillis() * 1000;
        long lastReport = start;
        int lastCount = received.size();
        double lastStreamWindows = streamWindows(service);
        List<Long> lags = new ArrayList<>();
        long lagMax = 0;
        while (true) {
            long now = nowMicros();
            if (now >= end) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(500, (Math.min(end, nextProgress) - now) / 1000)));
            now = nowMicros();
            drainInbox();
            if (now >= nextProgress || now >= end) {
                long lag = lag(admin, group);
                if (now >= evalStart) {
                    lags.add(lag);
                    lagMax = Math.max(lagMax, lag);
                }
                double secs = (now - lastReport) / 1e6;
                int count = received.size();
                double sw = streamWindows(service);
                double[] lat = latencies(received, lastCount, count);
                progress.accept(String.format(Locale.ROOT,
                        "%s N=%d t=%3.0fs  windows/s %.1f (expected %.1f, stream %.1f)  p50 %s  p99 %s  lag %d chunks"
                                + "  thread %s",
                        label(phase, index), devices, (now - start) / 1e6,
                        (count - lastCount) / secs, devices / (hopMicros / 1e6), (sw - lastStreamWindows) / secs,
                        ms(percentile(lat, 0.5)), ms(percentile(lat, 0.99)), lag, threadShares(service)));
                lastReport = now;
                lastCount = count;
                lastStreamWindows = sw;
                nextProgress += config.progressEvery().toMillis() * 1000;
            }
        }
        // Windows ending before end - hop have had at least one hop to arrive.
        long countTo = end - hopMicros;
        long expected = 0;
        for (Device d : allDevices) {
            expected += d.windowEndsIn(evalStart, countTo, windowMicros, hopMicros);
        }
        long got = 0;
        long notInferred = 0;
        List<double[]> points = new ArrayList<>();
        for (Received r : received) {
            if (r.windowEndMicros() >= evalStart && r.windowEndMicros() < countTo && r.receivedMicros() < end) {
                got++;
                if (!r.inferred()) {
                    notInferred++;
                }
            }
            if (r.receivedMicros() >= evalStart && r.receivedMicros() < end) {
                points.add(new double[] {(r.receivedMicros() - evalStart) / 1e6,
                        (r.receivedMicros() - r.windowEndMicros()) / 1e3});
            }
        }
        double[] lat = points.stream().mapToDouble(p -> p[1]).sorted().toArray();
        double growthMs = slope(points) * ((end - evalStart) / 1e6);
        double evalSeconds = (end - evalStart) / 1e6;
        double fraction = expected == 0 ? 0 : (double) got / expected;
        double p99 = percentile(lat, 0.99);
        List<String> why = new ArrayList<>();
        if (expected == 0 || got == 0) {
            why.add("no windows");
        }
        if (fraction < criteria.minReceivedFraction()) {
            why.add(String.format(Locale.ROOT, "received %d of %d windows", got, expected));
        }
        if (!(p99 < criteria.maxP99Seconds() * 1000)) {
            why.add(String.format(Locale.ROOT, "p99 %.0f ms >= %.0f ms", p99, criteria.maxP99Seconds() * 1000));
        }
        if (growthMs > criteria.maxLatencyGrowthSeconds() * 1000) {
            why.add(String.format(Locale.ROOT, "latency grew %.0f ms through the step", growthMs));
        }
        boolean held = why.isEmpty();
        Phase result = new Phase(phase, index, devices, length.toMillis() / 1000.0, evalSeconds, expected, got,
                fraction, notInferred, duplicates, got / Math.max(1e-9, (countTo - evalStart) / 1e6),
                devices / (hopMicros / 1e6), lat.length, percentile(lat, 0.5), percentile(lat, 0.9), p99,
                lat.length == 0 ? Double.NaN : lat[lat.length - 1], growthMs,
                lags.isEmpty() ? -1 : lags.get(0), lags.isEmpty() ? -1 : lags.get(lags.size() - 1), lagMax,
                chunksSent.get() - sentAtStart, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                held, held ? "held" : String.join("; ", why));
        progress.accept(String.format(Locale.ROOT,
                "%s N=%d: %s - received %d/%d windows (%.0f%%), p50 %s, p99 %s, max %s, growth %+.0f ms, "
                        + "lag max %d chunks, load %.2f", label(phase, index), devices,
                held ? "HELD" : "FAILED (" + result.verdict() + ")", got, expected, 100 * fraction,
                ms(result.p50Ms()), ms(p99), ms(result.maxMs()), growthMs, lagMax, result.loadAverage()));
        return result;
    }

    /** With every device paused after a failed step: waits until the backlog is down to a few chunks (or the timeout). */
    private void drain(Admin admin, String group) throws InterruptedException {
        long until = System.nanoTime() + config.drainTimeout().toNanos();
        long lag = lag(admin, group);
        progress.accept("devices paused; draining the backlog of " + lag + " chunks");
        while (System.nanoTime() < until) {
            Thread.sleep(2_000);
            drainInbox();
            lag = lag(admin, group);
            if (lag >= 0 && lag <= 4) {
                break;
            }
        }
        // Let latency settle too: a few seconds past the drain.
        Thread.sleep(Math.min(hopMicros / 1000 * 2, 5_000));
        drainInbox();
        progress.accept("backlog now " + lag + " chunks");
    }

    private static String label(String phase, int index) {
        return index > 0 ? phase + " " + index : phase;
    }

    /**
     * The stream thread's time split (process / commit / poll / punctuate), commit latency, and the model's time per
     * window inside the stream since the last line (to set against the pure-inference figure).
     */
    private String threadShares(MonitoringService service) {
        Map<String, Double> m = service.app().threadTimeShares();
        double[] totals = service.app().metrics().inferenceTotals();
        double windows = totals[1] - lastInference[1];
        double msPerWindow = windows > 0 ? (totals[0] - lastInference[0]) * 1000 / windows : Double.NaN;
        lastInference = totals;
        return String.format(Locale.ROOT, "process %.2f commit %.2f poll %.2f punctuate %.2f, commit %.1f ms, "
                        + "model %.1f ms/window", m.getOrDefault("process-ratio", Double.NaN),
                m.getOrDefault("commit-ratio", Double.NaN), m.getOrDefault("poll-ratio", Double.NaN),
                m.getOrDefault("punctuate-ratio", Double.NaN), m.getOrDefault("commit-latency-avg", Double.NaN),
                msPerWindow);
    }

    private static double streamWindows(MonitoringService service) {
        return service.app().metrics().windows(true) + service.app().metrics().windows(false);
    }

    private static double[] latencies(List<Received> list, int from, int to) {
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            Received r = list.get(i);
            out[i - from] = (r.receivedMicros() - r.windowEndMicros()) / 1e3;
        }
        Arrays.sort(out);
        return out;
    }

    /** Nearest-rank percentile of sorted values; NaN when empty. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Least-squares slope of y on x; 0 with fewer than two distinct x. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    // ---------------------------------------------------------------- report

    static Machine machine() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The result as pretty JSON (a latency with no sample is written as the string "NaN"). */
    public static String toJson(Result result) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode tree = m.valueToTree(result);
        return m.writeValueAsString(tree);
    }

    /** A few lines for the console. */
    public static String summary(Result r) {
        StringBuilder b = new StringBuilder();
        InferenceCapacity i = r.inference();
        b.append(String.format(Locale.ROOT, "machine: %d cores, %s (load average at start %.2f)%n",
                r.machine().cores(), r.machine().cpuModel(), r.machine().loadAverageAtStart()));
        b.append(String.format(Locale.ROOT, "model: %s %s (%.0f s windows every %.0f s)%n", r.model().name(),
                r.model().version(), r.model().windowSeconds(), r.model().hopSeconds()));
        b.append(String.format(Locale.ROOT, "pure inference (%s threads, %s): %.1f windows/s at batch 1, %.1f at "
                        + "batch 8 -> %.0f devices inference-bound (%.0f at batch 1); features %.2f ms per hop%n",
                i.threads() == 0 ? "all" : String.valueOf(i.threads()), i.device(), i.batch1WindowsPerSecond(),
                i.batch8WindowsPerSecond(), i.devicesBoundBest(), i.devicesBoundBatch1(), i.featureMillisPerHop()));
        InferenceCapacity a = r.inferenceAfter();
        if (a != null) {
            b.append(String.format(Locale.ROOT, "pure inference after the stream: %.1f windows/s at batch 1, %.1f at "
                    + "batch 8 -> %.0f devices; the ratio uses the higher measurement: %.0f devices (%.0f at batch 1)%n",
                    a.batch1WindowsPerSecond(), a.batch8WindowsPerSecond(), a.devicesBoundBest(),
                    r.inferenceBoundDevices(), r.inferenceBoundDevicesBatch1()));
        }
        b.append("steps:\n");
        for (Phase s : r.steps()) {
            b.append(String.format(Locale.ROOT, "  %2d  N=%-4d %-6s received %d/%d  p50 %s  p99 %s  lag max %d%s%n",
                    s.index(), s.devices(), s.held() ? "held" : "FAILED", s.receivedWindows(), s.expectedWindows(),
                    ms(s.p50Ms()), ms(s.p99Ms()), s.lagMaxRecords(), s.held() ? "" : "  (" + s.verdict() + ")"));
        }
        b.append(String.format(Locale.ROOT, "largest N held in the ramp: %d (ratio %.2f)%n",
                r.largestHeldInRampDevices(), r.rampRatioToInferenceBound()));
        for (Phase h : r.holds()) {
            b.append(String.format(Locale.ROOT, "hold %.0f s at N=%d %s (received %d/%d, p50 %s, p99 %s)%n",
                    h.seconds(), h.devices(), h.held() ? "HELD" : "FAILED: " + h.verdict(), h.receivedWindows(),
                    h.expectedWindows(), ms(h.p50Ms()), ms(h.p99Ms())));
        }
        b.append(String.format(Locale.ROOT, "largest N held%s: %d; ratio N held / inference-bound devices: %.2f "
                        + "(to batch 1: %.2f); target >= 0.80 with p99 < %.0f ms: %s%n",
                r.holds().isEmpty() ? "" : " for the whole hold", r.largestHeldDevices(), r.ratioToInferenceBound(),
                r.ratioToInferenceBoundBatch1(), r.criteria().maxP99Seconds() * 1000,
                r.targetMet() ? "MET" : "NOT MET"));
        for (String note : r.notes()) {
            b.append("note: ").append(note).append('\n');
        }
        return b.toString();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.getMessage());
        }
    }
}
