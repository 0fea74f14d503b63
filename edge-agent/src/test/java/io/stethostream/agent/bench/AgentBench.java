package io.stethostream.agent.bench;

import io.stethostream.agent.app.AgentCommand;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.ingest.audio.WavWriter;
import io.stethostream.protocol.Topics;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures one agent streaming 16 kHz audio, as its own JVM with a 64 MB heap limit, against the embedded broker in
 * this JVM: CPU share of one core and heap in steady state, bytes per second on the wire for each compression, and how
 * fast the spool grows when the broker is unreachable (hence how long a spool of a given size lasts).
 *
 * <p>Run by {@code scripts/bench-agent [seconds per run]}. The agent replays a 30 s synthetic 16 kHz WAV in a loop, in
 * real time, as a stethoscope would deliver it.
 */
public final class AgentBench {

    private static final Pattern STATUS = Pattern.compile("status: .*wire ([0-9.]+) KiB/s, heap (\\d+) MiB");

    private AgentBench() {
    }

    /** One run's figures. */
    record Result(String label, double cpuPercent, int maxHeapMiB, long rssKiB, double wireKiBps, double spoolBps) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int warmup = Math.min(15, seconds / 3);
        Path work = Files.createTempDirectory("agent-bench");
        Path wav = work.resolve("normal-16k.wav");
        WavWriter.write(wav, RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.NORMAL, 30, 1)).clip());
        List<Result> results = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(work.resolve("kafka"), 0).start()) {
            broker.createTopics(List.of(new NewTopic(Topics.AUDIO, 1, (short) 1)));
            for (String compression : List.of("none", "lz4", "zstd")) {
                results.add(run("compression " + compression, wav, work, broker.bootstrapServers(), compression,
                        seconds, warmup));
            }
            // Broker unreachable: everything goes to the spool; its growth rate gives the spool's lifetime.
            results.add(run("broker unreachable (spooling)", wav, work, "localhost:1", "lz4", seconds, warmup));
        } finally {
            deleteTree(work);
        }
        System.out.printf(Locale.ROOT, "%n== agent, 16 kHz mono replayed in real time, 250 ms chunks, -Xmx64m, %d s runs"
                + " (%d s warm-up excluded); %d cores, %s%n", seconds, warmup, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf("%-32s %10s %14s %10s %14s %14s%n", "run", "CPU %core", "max heap MiB", "RSS MiB",
                "wire KiB/s", "spool KiB/s");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-32s %10.2f %14d %10.1f %14.1f %14s%n", r.label, r.cpuPercent,
                    r.maxHeapMiB, r.rssKiB / 1024.0, r.wireKiBps,
                    r.spoolBps > 0 ? String.format(Locale.ROOT, "%.1f", r.spoolBps / 1024) : "-");
        }
        Result spooling = results.get(results.size() - 1);
        if (spooling.spoolBps > 0) {
            for (long mb : new long[] {256, 1024, 4096}) {
                System.out.printf(Locale.ROOT, "a %d MiB spool holds %.1f h of audio%n", mb,
                        mb * 1048576.0 / spooling.spoolBps / 3600);
            }
        }
    }

    private static Result run(String label, Path wav, Path work, String bootstrap, String compression, int seconds,
                              int warmup) throws Exception {
        Path spool = work.resolve("spool-" + label.replaceAll("\\W+", "-"));
        Path log = work.resolve(spool.getFileName() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                AgentCommand.class.getName(), "--device", "bench-1", "--file", wav.toString(), "--loop",
                "--bootstrap-servers", bootstrap, "--spool", spool.toString(), "--compression", compression,
                "--duration", seconds + "s", "--status-every", "5s", "--drain-timeout", "1s");
        System.err.println("bench: " + label + " (" + seconds + " s)");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessHandle h = p.toHandle();
        Thread.sleep(warmup * 1000L);
        long cpu0 = cpuNanos(h);
        long t0 = System.nanoTime();
        long spool0 = treeSize(spool);
        Thread.sleep((seconds - warmup - 3) * 1000L);
        long cpu1 = cpuNanos(h);
        long t1 = System.nanoTime();
        long spool1 = treeSize(spool);
        long rss = rssKiB(h.pid());
        p.waitFor();
        double cpu = 100.0 * (cpu1 - cpu0) / (t1 - t0);
        int heap = 0;
        double wireSum = 0;
        int wireN = 0;
        List<String> lines = Files.readAllLines(log);
        int statusLine = 0;
        for (String line : lines) {
            Matcher m = STATUS.matcher(line);
            if (m.find()) {
                statusLine++;
                // The first lines include start-up; the last one is the shutdown summary.
                if (statusLine * 5 > warmup && !line.contains("[main]")) {
                    heap = Math.max(heap, Integer.parseInt(m.group(2)));
                    wireSum += Double.parseDouble(m.group(1));
                    wireN++;
                }
            }
        }
        double spoolBps = bootstrap.endsWith(":1") ? (spool1 - spool0) / ((t1 - t0) / 1e9) : 0;
        return new Result(label, cpu, heap, rss, wireN == 0 ? 0 : wireSum / wireN, spoolBps);
    }

    private static long cpuNanos(ProcessHandle h) {
        return h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long rssKiB(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static long treeSize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
