package io.stethostream.cli;

import io.stethostream.streams.models.ModelPublisher;
import io.stethostream.streams.models.ModelStatus;
import io.stethostream.streams.models.ModelTopicReader;
import io.stethostream.agent.app.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stethostream rollback}: serve the release deployed before the current one again. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Point every instance back at the model release deployed before the current one.")
public final class RollbackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--wait", defaultValue = "20s", paramLabel = "DURATION",
            description = "How long to wait for instances to report (default ${DEFAULT-VALUE}).")
    String wait;

    @Override
    public Integer call() throws IOException {
        Duration timeout = duration(wait);
        PrintWriter out = spec.commandLine().getOut();
        String sha;
        try {
            sha = new ModelPublisher(kafka.client()).rollback();
        } catch (IllegalStateException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "rolled back to release %s%n", sha.substring(0, 12));
        out.flush();
        return report(kafka, sha, timeout, out);
    }

    /** Prints each instance's status for {@code sha} as it arrives; exit 0 unless some instance refused it. */
    static int report(KafkaOptions kafka, String sha, Duration timeout, PrintWriter out) {
        if (timeout.isZero()) {
            return ExitCodes.OK;
        }
        Instant since = Instant.now().minusSeconds(5);
        boolean refused = false;
        java.util.Set<String> printed = new java.util.HashSet<>();
        try (ModelTopicReader reader = new ModelTopicReader(kafka.client())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(500));
                for (Map.Entry<String, ModelStatus> e : reader.statuses().entrySet()) {
                    ModelStatus s = e.getValue();
                    if (s.sha256().equals(sha) && s.at().isAfter(since) && printed.add(e.getKey())) {
                        refused |= !s.accepted();
                        out.printf(Locale.ROOT, "  %s: %s%s%n", e.getKey(), s.outcome(),
                                s.accepted() ? "" : " (" + s.reason() + ")");
                        out.flush();
                    }
                }
            }
        }
        if (printed.isEmpty()) {
            out.println("  no instance reported within " + timeout.toSeconds() + " s (none running?)");
        }
        out.flush();
        return refused ? ExitCodes.BAD_INPUT : ExitCodes.OK;
    }

    /** A duration option ("500ms", "60s", "5m", "2h", "PT1M", as the agent's), or "0" for none. */
    static Duration duration(String text) {
        if (text.trim().equals("0")) {
            return Duration.ZERO;
        }
        try {
            return DurationConverter.parse(text);
        } catch (CommandLine.TypeConversionException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
