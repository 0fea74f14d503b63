package io.stethostream.cli;

import io.stethostream.streams.bench.StreamCapacityBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stethostream bench}: load benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load benchmarks of the running system.",
        subcommands = {BenchCommand.Stream.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code stethostream bench stream}: how many real-time devices one monitoring instance serves. */
    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = {"Capacity of one monitoring instance on this machine: measures the model's pure inference "
                    + "rate, then streams N synthetic devices in real time (16 kHz PCM16, 250 ms chunks) into one "
                    + "exactly-once instance, raising N every --step-duration while the step holds (p99 latency under "
                    + "one hop, latency not growing, >= 90%% of the expected windows received), then holds the largest "
                    + "N that held for --hold (and, if that fails, fewer devices: --hold-retries).",
                    "Latency is from the end of a window's audio to its prediction being readable by a read_committed "
                            + "consumer (it includes the exactly-once commit interval)."})
    static final class Stream implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--devices-start", defaultValue = "4", description = "Devices in the first step (default: ${DEFAULT-VALUE}).")
        int devicesStart;

        @Option(names = "--devices-step", defaultValue = "4", description = "Devices added per step (default: ${DEFAULT-VALUE}).")
        int devicesStep;

        @Option(names = "--devices-max", defaultValue = "200", description = "Most devices tried (default: ${DEFAULT-VALUE}).")
        int devicesMax;

        @Option(names = "--step-duration", defaultValue = "60s", paramLabel = "DURATION",
                description = "Length of each step (default: ${DEFAULT-VALUE}).")
        String stepDuration;

        @Option(names = "--warmup", defaultValue = "45s", paramLabel = "DURATION",
                description = "Half of --devices-start devices stream this long, unjudged, before the first step "
                        + "(a fresh JVM is slow while it compiles; 0: none; default: ${DEFAULT-VALUE}).")
        String warmup;

        @Option(names = "--hold", defaultValue = "5m", paramLabel = "DURATION",
                description = "How long the largest N that held is held at the end; 0 skips it (default: ${DEFAULT-VALUE}).")
        String hold;

        @Option(names = "--hold-retries", defaultValue = "2", paramLabel = "K",
                description = "After a failed hold, hold again with --devices-step fewer devices, up to K more times "
                        + "(after draining the backlog); default: ${DEFAULT-VALUE}.")
        int holdRetries;

        @Option(names = "--model", paramLabel = "FILE",
                description = "Model to serve and measure (default: the shipped " + Defaults.SHIPPED_MODEL + ").")
        Path model;

        @Option(names = "--threads", defaultValue = "0",
                description = "ONNX Runtime threads, for the stream and the inference measurement (0 = all cores; "
                        + "default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "An existing Kafka cluster (default: a fresh embedded broker in a temporary folder).")
        String bootstrapServers;

        @Option(names = "--inference-seconds", defaultValue = "10", paramLabel = "SECONDS",
                description = "Length of each pure-inference measurement (default: ${DEFAULT-VALUE}).")
        double inferenceSeconds;

        @Option(names = "--out", paramLabel = "FILE.json", description = "Write the results as JSON.")
        Path out;

        @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
                description = "A Kafka Streams setting for the monitoring instance (e.g. commit.interval.ms=500); "
                        + "repeatable.")
        Map<String, String> streamsConfig = new LinkedHashMap<>();

        @Option(names = "--topology-config", paramLabel = "KEY=VALUE",
                description = "A monitoring topology setting, as in `run --config` (e.g. state.audio-in-memory=false); "
                        + "repeatable.")
        Map<String, String> topologyConfig = new LinkedHashMap<>();

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter console = spec.commandLine().getOut();
            Path modelFile = model != null ? model : Defaults.shippedModel();
            if (!Files.isRegularFile(modelFile)) {
                throw new InvalidInputException("no model file at " + modelFile.toAbsolutePath());
            }
            Duration step = RollbackCommand.duration(stepDuration);
            Duration holdFor = RollbackCommand.duration(hold);
            StreamCapacityBenchmark.Config config;
            try {
                StreamCapacityBenchmark.Config d = StreamCapacityBenchmark.Config.defaults(modelFile);
                config = new StreamCapacityBenchmark.Config(devicesStart, devicesStep, devicesMax, step, holdFor,
                        modelFile, threads, bootstrapServers, null, inferenceSeconds, d.progressEvery(),
                        d.drainTimeout(), streamsConfig, topologyConfig, RollbackCommand.duration(warmup),
                        holdRetries);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
            if (out != null && out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            StreamCapacityBenchmark.Result result = new StreamCapacityBenchmark(config, line -> {
                console.println(line);
                console.flush();
            }).run();
            console.println();
            console.print(StreamCapacityBenchmark.summary(result));
            if (out != null) {
                Files.writeString(out, StreamCapacityBenchmark.toJson(result));
                console.println("results written to " + out);
            }
            console.flush();
            return ExitCodes.OK;
        }
    }
}
