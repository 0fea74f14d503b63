package io.stethostream.ingest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real datasets are for tests tagged {@code shared-data} (run by {@code mvn verify -Pshared-data}). Their
 * absence is a failure, not a skip: those tests exist to run on the data.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The {@code ../shared/data} folder (Maven sets {@code stethostream.shared.data}). */
    public static Path root() {
        String prop = System.getProperty("stethostream.shared.data", "../../shared/data");
        Path p = Path.of(prop).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("shared data not found at " + p + " (set -Dstethostream.shared.data)");
        }
        return p;
    }

    /** A dataset folder under the shared data ("icbhi", "sprsound"), which must exist. */
    public static Path dir(String dataset) {
        Path dir = root().resolve(dataset);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data folder missing: " + dir);
        }
        return dir;
    }

    public static Path icbhiAudio(String recording) {
        return root().resolve("icbhi/audio_and_txt_files").resolve(recording + ".flac");
    }
}
