package io.stethostream.cli;

import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.Encoding;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stethostream.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `run` on its embedded broker, then the commands an operator uses beside it, through the real parser: `predictions`,
 * `alerts`, `deploy` (accepted, and a non-model refused), `rollback` (nothing before the first release).
 */
class RunAndConsoleCommandsTest {

    @TempDir
    Path dir;

    @Test
    void operatorCommandsAgainstARunningInstance() throws Exception {
        StringWriter runOut = new StringWriter();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> run = pool.submit(() -> Stethostream.commandLine(new PrintWriter(runOut, true),
                new PrintWriter(new StringWriter())).execute("run", "--broker-port", "0", "--http-port", "-1",
                "--state-dir", dir.resolve("state").toString(), "--duration", "60s"));
        String bootstrap = awaitBootstrap(runOut);

        // A synthetic device in 250 ms chunks, one window and two hops long: three windows of the shipped model.
        ModelMetadata shipped;
        try (OnnxModel m = OnnxModel.open(Defaults.shippedModel(), new OnnxModel.Options(1, OnnxModel.Device.CPU))) {
            shipped = m.metadata();
        }
        double seconds = shipped.featureSpec().windowSeconds() + 2 * shipped.featureSpec().hopSeconds();
        float[] audio = RespiratorySoundGenerator.generate(new SynthParameters(SoundKind.CRACKLE, seconds, 16_000, 18,
                5)).clip().samples();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            long t0 = System.currentTimeMillis() * 1000 - Math.round(seconds * 1e6);
            for (int i = 0; i * 4000 < audio.length; i++) {
                float[] part = Arrays.copyOfRange(audio, i * 4000, Math.min(audio.length, (i + 1) * 4000));
                AudioChunk c = new AudioChunk("bed-1", i, t0 + i * 250_000L, 16_000, Encoding.PCM_S16LE, part, Map.of());
                producer.send(new ProducerRecord<>(Topics.AUDIO, "bed-1", AudioChunkCodec.encode(c)));
            }
            producer.send(new ProducerRecord<>(Topics.AUDIO, "bed-1", new byte[] {9, 9})).get(); // to the DLQ
        }

        String[] lines = new String[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (lines.length < 3 && System.nanoTime() < deadline) {
            CliResult r = run("predictions", "--bootstrap-servers", bootstrap, "--device", "bed-1");
            assertEquals(ExitCodes.OK, r.code(), r.err());
            lines = r.out().isBlank() ? new String[0] : r.out().strip().split("\n");
            Thread.sleep(500);
        }
        assertEquals(3, lines.length, String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.contains("bed-1") && line.contains("[" + shipped.modelVersion() + "]"), line);
        }
        CliResult json = run("predictions", "--bootstrap-servers", bootstrap, "--json");
        assertTrue(json.out().startsWith("{\"device\":\"bed-1\""), json.out());
        assertEquals(ExitCodes.OK, run("alerts", "--bootstrap-servers", bootstrap).code());

        // The shipped file was published as the first release at start; deploying it again is accepted.
        CliResult deploy = run("deploy", "--bootstrap-servers", bootstrap, "--model", Defaults.shippedModel().toString(),
                "--wait", "10s");
        assertEquals(ExitCodes.OK, deploy.code(), deploy.out() + deploy.err());
        assertTrue(deploy.out().contains(": accepted"), deploy.out());
        CliResult notAModel = run("deploy", "--bootstrap-servers", bootstrap, "--model",
                Defaults.projectRoot().resolve("README.md").toString());
        assertEquals(ExitCodes.BAD_INPUT, notAModel.code());
        assertTrue(notAModel.err().contains("refusing to deploy"), notAModel.err());
        CliResult rollback = run("rollback", "--bootstrap-servers", bootstrap);
        assertEquals(ExitCodes.BAD_INPUT, rollback.code());
        assertTrue(rollback.err().contains("only one release"), rollback.err());
        assertEquals(ExitCodes.USAGE, run("deploy", "--bootstrap-servers", bootstrap).code());

        pool.shutdownNow(); // the run command stops on its own at --duration; interrupting ends the wait early
        pool.awaitTermination(60, TimeUnit.SECONDS);
    }

    private static String awaitBootstrap(StringWriter out) throws InterruptedException {
        Pattern p = Pattern.compile("Kafka (localhost:\\d+) \\(embedded");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run did not start: " + out);
    }
}
