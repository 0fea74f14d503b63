package io.stethostream.ingest.dataset;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real databases are: surefire sets {@code stethostream.shared.data} to {@code ../shared/data}. */
final class SharedData {

    private SharedData() {
    }

    static Path dir(String dataset) {
        String base = System.getProperty("stethostream.shared.data");
        if (base == null) {
            throw new IllegalStateException("system property stethostream.shared.data is not set (run through Maven)");
        }
        Path dir = Path.of(base, dataset);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data folder missing: " + dir);
        }
        return dir;
    }
}
