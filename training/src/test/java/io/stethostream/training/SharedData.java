package io.stethostream.training;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real datasets are for tests tagged {@code shared-data} (run by {@code mvn verify -Pshared-data}). Their
 * absence is a failure, not a skip: those tests exist to run on the data.
 */
public final class SharedData {

    private SharedData() {
    }

    /** A dataset folder under the shared data ("icbhi", "sprsound"), which must exist. */
    public static Path dir(String dataset) {
        String prop = System.getProperty("stethostream.shared.data");
        if (prop == null) {
            throw new IllegalStateException("system property stethostream.shared.data is not set (Maven sets it)");
        }
        Path dir = Path.of(prop).toAbsolutePath().normalize().resolve(dataset);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data folder missing: " + dir);
        }
        return dir;
    }
}
