package io.stethostream.agent.app;

import io.stethostream.agent.send.ProducerSettings;
import io.stethostream.agent.source.ClipPlayer;
import io.stethostream.agent.source.Pacer;
import io.stethostream.agent.source.SyntheticFeed;
import io.stethostream.agent.spool.Spool;
import io.stethostream.agent.spool.SpoolConfig;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.Encoding;
import io.stethostream.protocol.Topics;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stethostream.agent.app.AudioTopicReader.range;
import static io.stethostream.agent.app.AudioTopicReader.sequences;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent against a real single-node broker: plain streaming, a broker outage, an agent crash. */
class AgentOnBrokerTest {

    /** Short timeouts, so that an outage of a few seconds outlasts the producer's delivery timeout. */
    private static final int DELIVERY_TIMEOUT_MS = 3000;

    @TempDir
    static Path tmp;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaBroker(tmp.resolve("kafka"), 0).start();
        broker.createTopics(List.of(new NewTopic(Topics.AUDIO, 1, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties producer() {
        Properties client = new Properties();
        client.put("bootstrap.servers", broker.bootstrapServers());
        client.put("delivery.timeout.ms", String.valueOf(DELIVERY_TIMEOUT_MS));
        client.put("request.timeout.ms", "1000");
        client.put("max.block.ms", "1500");
        client.put("reconnect.backoff.max.ms", "500");
        return ProducerSettings.build(client, null, "test-agent");
    }

    private static AgentConfig config(String device, Path spool) {
        return new AgentConfig(device, Map.of("patient", "p-1"), 250, spool, SpoolConfig.ofMaxBytes(64L << 20),
                producer(), Topics.AUDIO, Duration.ofSeconds(15), Duration.ofSeconds(1));
    }

    private static ClipPlayer synthetic(long seed) {
        return new ClipPlayer(new SyntheticFeed(SoundKind.NORMAL, 16000, seed), new Pacer(true));
    }

    @Test
    void theCommandStreamsChunksWithKeyAttributesAndRate() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new AgentCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--device", "cli-1", "--synthetic", "crackle", "--bootstrap-servers",
                broker.bootstrapServers(), "--spool", tmp.resolve("spool-cli").toString(), "--duration", "2s",
                "--patient", "p-7", "--location", "ward 3 bed 2", "--compression", "zstd", "--status-every", "1s");
        assertEquals(0, code, err.toString());
        List<AudioChunk> chunks = AudioTopicReader.read(broker.bootstrapServers(), "cli-1", 4, Duration.ofSeconds(20));
        assertEquals(range(0, chunks.size()), sequences(chunks));
        assertTrue(chunks.size() >= 4, "about 2 s of 250 ms chunks: " + chunks.size());
        AudioChunk c = chunks.get(0);
        assertEquals(16000, c.sampleRate());
        assertEquals(4000, c.samples().length);
        assertEquals(Encoding.PCM_S16LE, c.encoding());
        assertEquals("p-7", c.attribute("patient"));
        assertEquals("ward 3 bed 2", c.attribute("location"));
        long now = System.currentTimeMillis() * 1000;
        assertTrue(Math.abs(now - c.captureTimeMicros()) < 60_000_000L, "capture time is wall-clock time");
        assertEquals(250_000, chunks.get(1).captureTimeMicros() - c.captureTimeMicros(), 20_000);
    }

    @Test
    void anOutageLongerThanTheDeliveryTimeoutLosesAndDuplicatesNothing() throws Exception {
        String device = "outage-1";
        EdgeAgent agent = EdgeAgent.start(config(device, tmp.resolve("spool-outage")), synthetic(1));
        long captured;
        try {
            Thread.sleep(2000);
            broker.close();
            Thread.sleep(DELIVERY_TIMEOUT_MS + 3000);
            assertTrue(agent.spoolStatus().unsentRecords() > 10, "chunks wait in the spool during the outage");
            broker.start();
            Thread.sleep(2000);
        } finally {
            agent.close();
            captured = agent.captureStats().chunks();
        }
        assertTrue(agent.sender().stats().failedWindows() > 0, "the outage outlasted the delivery timeout");
        assertNotNull(agent.sender().stats().lastError());
        List<AudioChunk> chunks = AudioTopicReader.read(broker.bootstrapServers(), device, (int) captured,
                Duration.ofSeconds(20));
        assertEquals(range(0, captured), sequences(chunks), "every chunk exactly once, in order");
        assertEquals(0, agent.spoolStatus().unsentRecords());
        // The audio is continuous across the outage: each chunk starts where the previous one ended.
        for (int i = 1; i < chunks.size(); i++) {
            assertEquals(chunks.get(i - 1).endTimeMicros(), chunks.get(i).captureTimeMicros(), 1_000,
                    "chunk " + i + " follows chunk " + (i - 1) + " without a gap");
        }
    }

    @Test
    void sigtermShutsDownCleanlyAndSendsEverythingCaptured() throws Exception {
        String device = "sigterm-1";
        Path log = tmp.resolve("sigterm-child.log");
        Process child = new ProcessBuilder(childAgent(device, tmp.resolve("spool-sigterm"), "both"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(AudioTopicReader.read(broker.bootstrapServers(), device, 4, Duration.ofSeconds(30)).size() >= 4,
                    "the child agent streams");
        } finally {
            child.destroy(); // SIGTERM: the shutdown hook runs
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        String text = Files.readString(log);
        Matcher m = Pattern.compile("agent sigterm-1 stopped: captured (\\d+) chunk\\(s\\), sent (\\d+), 0 left")
                .matcher(text);
        assertTrue(m.find(), text);
        long captured = Long.parseLong(m.group(1));
        assertEquals(captured, Long.parseLong(m.group(2)));
        List<AudioChunk> chunks = AudioTopicReader.read(broker.bootstrapServers(), device, (int) captured,
                Duration.ofSeconds(20));
        assertEquals(range(0, captured), sequences(chunks));
    }

    private static List<String> childAgent(String device, Path spool, String kind) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName(),
                "--device", device, "--synthetic", kind, "--bootstrap-servers", broker.bootstrapServers(), "--spool",
                spool.toString(), "--status-every", "1s");
    }

    @Test
    void afterAKillTheSpoolDrainsFirstAndNumberingContinues() throws Exception {
        String device = "crash-1";
        Path spool = tmp.resolve("spool-crash");
        Path log = tmp.resolve("crash-child.log");
        Process child = new ProcessBuilder(childAgent(device, spool, "wheeze")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<AudioChunk> before;
        try {
            before = AudioTopicReader.read(broker.bootstrapServers(), device, 4, Duration.ofSeconds(30));
            assertTrue(before.size() >= 4, "the child agent streams: " + Files.readString(log));
            broker.close();
            Thread.sleep(2500);
        } finally {
            // SIGKILL: no shutdown hook, no flush, no close: what a power cut leaves.
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        }
        broker.start();
        long left;
        long next;
        try (Spool s = Spool.open(spool, SpoolConfig.defaults())) {
            left = s.status().unsentRecords();
            next = s.nextSequence();
        }
        assertTrue(left >= 5, "the killed agent left chunks in the spool: " + left);
        EdgeAgent agent = EdgeAgent.start(config(device, spool), synthetic(99));
        try {
            assertTrue(agent.awaitDrained(Duration.ofSeconds(20)) || agent.sender().stats().sentChunks() >= left);
            Thread.sleep(1000);
        } finally {
            agent.close();
        }
        long total = next + agent.captureStats().chunks();
        List<AudioChunk> chunks = AudioTopicReader.read(broker.bootstrapServers(), device, (int) total,
                Duration.ofSeconds(20));
        // Duplicates would be legal after a kill only for a window acknowledged in the instant before it; here the
        // broker was down when the agent died, so there must be none.
        assertEquals(range(0, total), sequences(chunks), "nothing lost, nothing twice, numbering continues");
        assertTrue(agent.sender().stats().sentChunks() >= left + agent.captureStats().chunks() - 1);
        System.out.printf("crash: %d chunks sent before the kill, %d left in the spool, %d after restart%n",
                before.size(), left, agent.captureStats().chunks());
        assertTrue(new File(spool.toFile(), "released").exists());
    }
}
