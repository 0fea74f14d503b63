package io.stethostream.protocol;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Kafka client settings: a bootstrap address plus whatever a properties file adds (TLS, SASL, timeouts).
 * The file is the user's; this class only reads it, so any security set-up Kafka supports works unchanged.
 */
public final class KafkaClientConfig {

    private KafkaClientConfig() {
    }

    /**
     * @param bootstrap  host:port list, or null to take {@code bootstrap.servers} from the file
     * @param configFile a client .properties file, or null
     */
    public static Properties load(String bootstrap, Path configFile) throws IOException {
        Properties p = new Properties();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new NoSuchFileException(configFile.toString(), null, "Kafka client properties file not found");
            }
            try (Reader r = Files.newBufferedReader(configFile)) {
                p.load(r);
            }
        }
        if (bootstrap != null) {
            p.setProperty("bootstrap.servers", bootstrap);
        }
        if (!p.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("no bootstrap.servers: give --bootstrap-servers or set it in "
                    + (configFile == null ? "a --kafka-config file" : configFile));
        }
        return p;
    }
}
