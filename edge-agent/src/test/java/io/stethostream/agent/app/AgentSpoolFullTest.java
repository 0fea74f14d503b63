package io.stethostream.agent.app;

import io.stethostream.agent.send.ProducerSettings;
import io.stethostream.agent.source.ClipPlayer;
import io.stethostream.agent.source.Pacer;
import io.stethostream.agent.source.SyntheticFeed;
import io.stethostream.agent.spool.SpoolConfig;
import io.stethostream.agent.spool.SpoolDrop;
import io.stethostream.agent.spool.SpoolStatus;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no broker and a small spool, the agent keeps capturing and the spool drops its oldest audio, loudly. */
class AgentSpoolFullTest {

    @TempDir
    Path tmp;

    @Test
    void aFullSpoolDropsTheOldestAudioAndSaysSoWhileCaptureGoesOn() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", "localhost:1");
        client.put("max.block.ms", "500");
        SpoolConfig small = SpoolConfig.ofMaxBytes(256 * 1024);
        AgentConfig config = new AgentConfig("full-1", Map.of(), 250, tmp.resolve("spool"), small,
                ProducerSettings.build(client, null, "full-test"), Topics.AUDIO, Duration.ofMillis(200),
                Duration.ofSeconds(10));
        List<SpoolDrop> drops = new CopyOnWriteArrayList<>();
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        SpoolStatus status;
        String line;
        long captured;
        try {
            // Fast synthetic audio fills 256 KiB (about 32 chunks) in well under a second.
            EdgeAgent agent = EdgeAgent.start(config, new ClipPlayer(new SyntheticFeed(SoundKind.NORMAL, 16000, 1),
                    new Pacer(false)), drops::add);
            try {
                long end = System.nanoTime() + 20_000_000_000L;
                while (agent.captureStats().chunks() < 200 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                status = agent.spoolStatus();
                line = agent.statusLine();
                captured = agent.captureStats().chunks();
            } finally {
                agent.close();
            }
        } finally {
            System.setErr(old);
        }
        String log = buf.toString(StandardCharsets.UTF_8);
        old.print(log);
        assertTrue(captured >= 200, "capture never waited for the network: " + captured);
        assertTrue(status.diskBytes() <= small.maxBytes(), "size limit kept: " + status.diskBytes());
        assertTrue(!drops.isEmpty() && status.droppedRecords() > 100, "oldest audio dropped: " + status);
        assertTrue(drops.stream().allMatch(d -> d.reason() == SpoolDrop.Reason.SIZE));
        assertTrue(log.contains("WARN io.stethostream.agent.spool.Spool - spool full (size limit): dropped the 1 oldest"),
                log);
        assertTrue(line.matches(".*, dropped [1-9][0-9]*,.*"), "the status line counts the drops: " + line);
    }
}
