package io.stethostream.agent.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real parser, without a broker: every refusal comes with its exit code and a one-line reason. */
class AgentCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new AgentCommand());
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aMissingSoundInputIsBadInputAndListsTheInputs() {
        int code = run("--device", "d1", "--input", "no-such-mixer-xyz", "--bootstrap-servers", "localhost:1",
                "--spool", tmp.resolve("s").toString());
        assertEquals(AgentCommand.BAD_INPUT, code, err.toString());
        assertTrue(err.toString().contains("error: no sound input named 'no-such-mixer-xyz'"), err.toString());
    }

    @Test
    void theDefaultInputOnAMachineWithoutOneIsBadInputToo() {
        int code = run("--device", "d1", "--input", "--bootstrap-servers", "localhost:1",
                "--spool", tmp.resolve("s").toString());
        if (io.stethostream.agent.source.SoundInputs.names().isEmpty()) {
            assertEquals(AgentCommand.BAD_INPUT, code, err.toString());
            assertTrue(err.toString().contains("no default sound input: this machine has no sound capture device"),
                    err.toString());
        }
    }

    @Test
    void aMissingFileIsBadInput() {
        int code = run("--device", "d1", "--file", tmp.resolve("nope.wav").toString(), "--bootstrap-servers",
                "localhost:1", "--spool", tmp.resolve("s").toString());
        assertEquals(AgentCommand.BAD_INPUT, code);
        assertTrue(err.toString().contains("no such file"), err.toString());
    }

    @Test
    void aMissingKafkaConfigFileIsBadInput() {
        int code = run("--device", "d1", "--synthetic", "normal", "--kafka-config", tmp.resolve("no.properties")
                .toString(), "--spool", tmp.resolve("s").toString());
        assertEquals(AgentCommand.BAD_INPUT, code);
        assertTrue(err.toString().contains("no such file: " + tmp.resolve("no.properties")), err.toString());
    }

    @Test
    void aKafkaConfigThatKafkaRefusesIsBadInput() throws Exception {
        Path props = tmp.resolve("k.properties");
        java.nio.file.Files.writeString(props, "bootstrap.servers=localhost:1\ndelivery.timeout.ms=1500\n"
                + "request.timeout.ms=1000\n");
        int code = run("--device", "d1", "--synthetic", "normal", "--kafka-config", props.toString(), "--spool",
                tmp.resolve("s").toString(), "--duration", "1s");
        assertEquals(AgentCommand.BAD_INPUT, code);
        assertTrue(err.toString().contains("error: Kafka client configuration"), err.toString());
    }

    @Test
    void commandLineMistakesAreUsageErrors() {
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--file", "a.wav", "--synthetic", "normal",
                "--bootstrap-servers", "x:1"));
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--bootstrap-servers", "x:1"));
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "rattle", "--bootstrap-servers", "x:1"));
        assertTrue(err.toString().contains("expected one of normal, crackle, wheeze, both, poor, silence"),
                err.toString());
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "normal"));
        assertTrue(err.toString().contains("no bootstrap.servers"), err.toString());
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "normal", "--bootstrap-servers", "x:1",
                "--chunk-ms", "5"));
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "normal", "--bootstrap-servers", "x:1",
                "--loop"));
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "normal", "--bootstrap-servers", "x:1",
                "--compression", "brotli"));
        assertEquals(AgentCommand.USAGE, run("--device", "d1", "--synthetic", "normal", "--bootstrap-servers", "x:1",
                "--duration", "soon"));
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertEquals(Duration.ofSeconds(60), DurationConverter.parse("60s"));
        assertEquals(Duration.ofMillis(1500), DurationConverter.parse("1.5s"));
        assertEquals(Duration.ofMinutes(5), DurationConverter.parse("5m"));
        assertEquals(Duration.ofHours(2), DurationConverter.parse("2h"));
        assertEquals(Duration.ofMillis(250), DurationConverter.parse("250ms"));
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("90"));
        assertEquals(Duration.ofMinutes(1), DurationConverter.parse("PT1M"));
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("-1s"));
    }
}
