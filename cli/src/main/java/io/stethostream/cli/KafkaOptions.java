package io.stethostream.cli;

import io.stethostream.protocol.KafkaClientConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/** Where the Kafka cluster is: shared by every command that talks to it. */
final class KafkaOptions {

    /** The port `run` gives its embedded broker, so local commands find it without options. */
    static final String LOCAL = "localhost:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster to use (default: the local embedded broker of `run`/`demo`, " + LOCAL + ").")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...).")
    Path kafkaConfig;

    /** Client properties: the file's, with --bootstrap-servers (or the local default) on top. */
    Properties client() {
        String bootstrap = bootstrapServers;
        if (bootstrap == null && kafkaConfig == null) {
            bootstrap = LOCAL;
        }
        try {
            Properties p = KafkaClientConfig.load(bootstrap, kafkaConfig);
            // Fail in seconds, not minutes, when nothing listens there.
            p.putIfAbsent("default.api.timeout.ms", "30000");
            p.putIfAbsent("request.timeout.ms", "15000");
            return p;
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--kafka-config: no such file " + e.getFile());
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("--kafka-config " + kafkaConfig + ": " + e.getMessage(), e);
        }
    }
}
