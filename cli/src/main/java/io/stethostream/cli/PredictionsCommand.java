package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stethostream predictions [--follow] [--device ID]}: one readable line per window. */
@Command(name = "predictions", mixinStandardHelpOptions = true,
        description = "Print stethoscope.predictions readably: per window its label, probabilities, signal quality "
                + "and the model version that made it.")
public final class PredictionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicConsole console;

    @Override
    public Integer call() {
        return console.print(kafka.client(), Topics.PREDICTIONS, spec.commandLine().getOut(), PredictionsCommand::format);
    }

    /** {@code start-end  device  label p  (all probabilities)  quality  [model version]}. */
    static String format(ConsumerRecord<String, String> r) {
        try {
            JsonNode p = TrainCommand.JSON.readTree(r.value());
            StringBuilder probs = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = p.path("probabilities").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                probs.append(probs.length() == 0 ? "" : " ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", e.getValue().asDouble()));
            }
            JsonNode quality = p.path("quality");
            String verdict = quality.path("verdict").asText("?");
            String what = p.path("inferred").asBoolean(false)
                    ? String.format(Locale.ROOT, "%-8s (%s)", p.path("label").asText(), probs)
                    : "not scored: " + quality.path("reason").asText(verdict);
            JsonNode model = p.path("model");
            return String.format(Locale.ROOT, "%s-%s  %-10s %s  %s%s", time(p.path("windowStart")),
                    time(p.path("windowEnd")), p.path("device").asText(r.key()), what, verdict,
                    model.isObject() ? "  [" + model.path("version").asText() + "]" : "");
        } catch (IOException e) {
            return "unreadable prediction at offset " + r.offset() + ": " + r.value();
        }
    }

    /** The time of day of an ISO-8601 instant, to the millisecond ("12:00:02.000"); the text itself otherwise. */
    static String time(JsonNode iso) {
        String s = iso.asText("");
        int t = s.indexOf('T');
        if (t < 0) {
            return s.isEmpty() ? "-" : s;
        }
        String clock = s.substring(t + 1).replace("Z", "");
        return clock.length() > 12 ? clock.substring(0, 12) : clock;
    }
}
