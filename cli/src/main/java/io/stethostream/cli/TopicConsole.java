package io.stethostream.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Properties;
import java.util.function.Function;

/** The options and loop shared by the consoles that print an output topic ({@code alerts}, {@code predictions}). */
final class TopicConsole {

    @Option(names = "--follow", description = "Keep printing new records until interrupted.")
    boolean follow;

    @Option(names = "--device", paramLabel = "ID", description = "Only this device.")
    String device;

    @Option(names = "--json", description = "Print the records as they are (one JSON object per line).")
    boolean json;

    /** Prints {@code topic} readably with {@code format}, or raw with --json. */
    int print(Properties client, String topic, PrintWriter out, Function<ConsumerRecord<String, String>, String> format) {
        TopicTail.read(client, topic, follow, r -> {
            if (device == null || device.equals(r.key())) {
                out.println(json ? r.value() : format.apply(r));
                out.flush();
            }
        });
        return ExitCodes.OK;
    }
}
