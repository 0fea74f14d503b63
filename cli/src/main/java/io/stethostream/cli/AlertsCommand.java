package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stethostream alerts [--follow] [--device ID]}: the alert topic, one readable line per state change. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Print stethoscope.alerts readably: raised, updated and cleared alerts per device.")
public final class AlertsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicConsole console;

    @Override
    public Integer call() {
        return console.print(kafka.client(), Topics.ALERTS, spec.commandLine().getOut(), AlertsCommand::format);
    }

    /** {@code at  device  STATE kind (from previous)  since ...  reason  [model version]}. */
    static String format(ConsumerRecord<String, String> r) {
        try {
            JsonNode a = TrainCommand.JSON.readTree(r.value());
            String state = a.path("state").asText("?").toUpperCase(Locale.ROOT);
            String previous = a.path("previousKind").isTextual() ? " (was " + a.get("previousKind").asText() + ")" : "";
            JsonNode model = a.path("model");
            return String.format(Locale.ROOT, "%s  %-10s %-8s %-12s since %s  %s%s", PredictionsCommand.time(a.path("at")),
                    a.path("device").asText(r.key()), state, a.path("kind").asText("?") + previous,
                    PredictionsCommand.time(a.path("since")), a.path("reason").asText(""),
                    model.isObject() ? "  [" + model.path("version").asText() + "]" : "");
        } catch (IOException e) {
            return "unreadable alert at offset " + r.offset() + ": " + r.value();
        }
    }
}
