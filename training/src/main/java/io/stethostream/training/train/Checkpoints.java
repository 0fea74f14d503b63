package io.stethostream.training.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stethostream.ingest.AtomicFiles;
import io.stethostream.training.eval.EpochRecord;
import io.stethostream.training.model.AstModel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run folder's checkpoints: {@code checkpoints/epoch-NNN/} holds the weights ({@code model.params}), the optimiser
 * state ({@code optimizer.bin}), the history so far ({@code history.json}) and, with {@code --ema}, the weight average
 * ({@code average.params}); the newest complete one is what
 * {@code --resume} continues from. A checkpoint is written to a temporary folder and renamed, so a crash mid-write
 * leaves the previous one intact. The selected models are kept as {@code model-best-val.params} (honest protocol)
 * and {@code model-best-test.params} (paper protocol), with {@code model-last.params}.
 */
public final class Checkpoints {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int KEEP = 2;
    private static final String AVERAGE = "average.params";
    private static final String EPOCH_FOLDER = "epoch-\\d{3}";

    private final Path dir;

    public Checkpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    /** A restored checkpoint: the epoch it ended and the history up to it. */
    public record Restored(int epoch, List<EpochRecord> history) {
    }

    /** Writes the checkpoint of {@code epoch}, with the run's weight average when it keeps one (else null). */
    public void save(int epoch, AstModel model, AdamL2 optimizer, WeightAverage average, List<EpochRecord> history)
            throws IOException {
        Map<String, byte[]> files = new java.util.HashMap<>(Map.of("model.params", params(model),
                "optimizer.bin", optimizerState(optimizer), "history.json", JSON.writeValueAsBytes(history)));
        if (average != null) {
            files.put(AVERAGE, params(average.model()));
        }
        writeFolder(dir, String.format("epoch-%03d", epoch), files);
        prune(dir, EPOCH_FOLDER, KEEP);
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() throws IOException {
        return newest(dir, EPOCH_FOLDER);
    }

    /**
     * Writes {@code files} (name to bytes) as the folder {@code parent/name}: into a temporary folder renamed into
     * place, so a crash mid-write leaves the previous checkpoint of that name, or none, never half of one.
     */
    public static void writeFolder(Path parent, String name, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "tmp-");
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue());
            }
            Path target = parent.resolve(name);
            AtomicFiles.deleteTree(target);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** The last, by name, of the folders under {@code parent} that match {@code pattern} and hold a history.json. */
    public static Optional<Path> newest(Path parent, String pattern) throws IOException {
        if (!Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().matches(pattern))
                    .filter(p -> Files.exists(p.resolve("history.json")))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    /** Deletes all but the last {@code keep}, by name, of the folders under {@code parent} matching {@code pattern}. */
    public static void prune(Path parent, String pattern, int keep) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().matches(pattern)).sorted().toList();
            for (int i = 0; i < all.size() - keep; i++) {
                AtomicFiles.deleteTree(all.get(i));
            }
        }
    }

    /** The optimiser's state as {@link AdamL2#save} writes it. */
    public static byte[] optimizerState(AdamL2 optimizer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            optimizer.save(out);
        }
        return bytes.toByteArray();
    }

    /** Restores a checkpoint, and the weight average into {@code average} when the run keeps one (else null). */
    public Restored restore(Path checkpoint, AstModel model, AdamL2 optimizer, WeightAverage average,
                            NDManager manager) throws IOException {
        loadParams(model, manager, checkpoint.resolve("model.params"));
        if (average != null) {
            Path file = checkpoint.resolve(AVERAGE);
            if (!Files.exists(file)) {
                throw new IOException(checkpoint + " holds no weight average (" + AVERAGE + "): it was written by a "
                        + "run without --ema, and cannot be resumed with it");
            }
            average.load(manager, file);
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(checkpoint.resolve("optimizer.bin")))) {
            optimizer.load(in, manager);
        }
        List<EpochRecord> history = JSON.readValue(checkpoint.resolve("history.json").toFile(),
                new TypeReference<List<EpochRecord>>() {
                });
        int epoch = Integer.parseInt(checkpoint.getFileName().toString().substring("epoch-".length()));
        return new Restored(epoch, history);
    }

    /** The model's weights in DJL's parameter format. */
    public static byte[] params(AstModel model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    public static void writeParams(AstModel model, Path file) throws IOException {
        AtomicFiles.write(file, params(model));
    }

    /** Loads weights into an initialised model of the same configuration; a mismatch is an IOException. */
    public static void loadParams(AstModel model, NDManager manager, Path file) throws IOException {
        // DJL loads tensors of the wrong shape without complaint (D=64 weights into a D=32 model): compare shapes.
        java.util.Map<String, ai.djl.ndarray.types.Shape> expected = new java.util.LinkedHashMap<>();
        model.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            model.loadParameters(manager, in);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new IOException(file + ": weights do not fit this model (" + e.getMessage() + ")", e);
        }
        for (var p : model.getParameters()) {
            ai.djl.ndarray.types.Shape got = p.getValue().getArray().getShape();
            if (!got.equals(expected.get(p.getKey()))) {
                throw new IOException(file + ": weights do not fit this model: " + p.getKey() + " has shape " + got
                        + ", the model needs " + expected.get(p.getKey()));
            }
        }
        enableGradients(model);
    }

    /** Marks the trainable parameters (not BatchNorm's running statistics) for autograd. */
    public static void enableGradients(AstModel model) {
        model.getParameters().values().stream().filter(ai.djl.nn.Parameter::requiresGradient)
                .forEach(p -> p.getArray().setRequiresGradient(true));
    }
}
