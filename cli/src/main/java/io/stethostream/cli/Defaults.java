package io.stethostream.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths the commands use when the user names none. */
final class Defaults {

    /** The model the project ships (models/README.md is its card). */
    static final String SHIPPED_MODEL = "models/stethostream-ast-tiny-d4-w4.onnx";

    /** Its training weights (DJL), for fine-tuning (`demo --retrain`, `train --init-from`). */
    static final String SHIPPED_WEIGHTS = "models/stethostream-ast-tiny-d4-w4.params";

    private Defaults() {
    }

    /** The project folder: the one holding cli/target/stethostream-cli.jar, else the working directory. */
    static Path projectRoot() {
        try {
            Path jar = Path.of(Defaults.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            if (root != null && root.getParent() != null && Files.isDirectory(root.getParent().resolve("models"))) {
                return root.getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    static Path shippedModel() {
        return projectRoot().resolve(SHIPPED_MODEL);
    }
}
