package io.stethostream.onnx.export;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.TrainConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A training run folder as the exporter reads it: {@code config.json} (required), {@code feature-spec.json}
 * (required), the weights ({@code model-best-val.params}, else {@code model-last.params}, or a file named), and
 * {@code metrics.json} (optional). Everything is checked on {@link #open}; the weights are loaded by
 * {@link #loadWeights}. Failures are {@link UnconvertibleCheckpointException}s that say what is wrong.
 */
public final class RunCheckpoint {

    public static final String CONFIG = "config.json";
    public static final String FEATURE_SPEC = "feature-spec.json";
    public static final String METRICS = "metrics.json";
    public static final String BEST_VAL = "model-best-val.params";
    public static final String LAST = "model-last.params";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final TrainConfig config;
    private final String configJson;
    private final FeatureSpec featureSpec;
    private final Path params;
    private final String metricsJson;

    private RunCheckpoint(Path dir, TrainConfig config, String configJson, FeatureSpec featureSpec, Path params,
                          String metricsJson) {
        this.dir = dir;
        this.config = config;
        this.configJson = configJson;
        this.featureSpec = featureSpec;
        this.params = params;
        this.metricsJson = metricsJson;
    }

    /**
     * Reads and checks a run folder.
     *
     * @param params the weights file, or null to take the run's best-validation model, else its last one
     */
    public static RunCheckpoint open(Path dir, Path params) throws UnconvertibleCheckpointException {
        if (!Files.isDirectory(dir)) {
            throw new UnconvertibleCheckpointException("no training run folder at " + dir);
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new UnconvertibleCheckpointException("not a training run: " + configFile + " is missing");
        }
        TrainConfig config;
        String configJson;
        try {
            configJson = compact(Files.readString(configFile, StandardCharsets.UTF_8));
            config = JSON.readValue(configJson, TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new UnconvertibleCheckpointException(configFile + " cannot be read as a training configuration: "
                    + e.getMessage(), e);
        }
        if (config.model() == null) {
            throw new UnconvertibleCheckpointException(configFile + " has no model configuration");
        }
        AstOnnxExporter.checkPreset(config.model());
        Path specFile = dir.resolve(FEATURE_SPEC);
        if (!Files.isRegularFile(specFile)) {
            throw new UnconvertibleCheckpointException(specFile + " is missing: the model file must carry the feature "
                    + "spec it was trained with");
        }
        FeatureSpec spec;
        try {
            spec = FeatureSpec.fromJson(Files.readString(specFile, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new UnconvertibleCheckpointException(specFile + ": " + e.getMessage(), e);
        }
        Path weights = params != null ? params : Files.isRegularFile(dir.resolve(BEST_VAL)) ? dir.resolve(BEST_VAL)
                : dir.resolve(LAST);
        if (!Files.isRegularFile(weights)) {
            throw new UnconvertibleCheckpointException(params != null ? "weights file " + params + " is missing"
                    : "no weights in " + dir + " (neither " + BEST_VAL + " nor " + LAST + ")");
        }
        String metrics = null;
        Path metricsFile = dir.resolve(METRICS);
        if (Files.isRegularFile(metricsFile)) {
            try {
                metrics = compact(Files.readString(metricsFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UnconvertibleCheckpointException(metricsFile + " is not valid JSON: " + e.getMessage(), e);
            }
        }
        return new RunCheckpoint(dir, config, configJson, spec, weights, metrics);
    }

    private static String compact(String json) throws IOException {
        JsonNode node = JSON.readTree(json);
        return JSON.writeValueAsString(node);
    }

    public Path dir() {
        return dir;
    }

    public TrainConfig config() {
        return config;
    }

    /** {@code config.json} as compact JSON. */
    public String configJson() {
        return configJson;
    }

    public FeatureSpec featureSpec() {
        return featureSpec;
    }

    public Path params() {
        return params;
    }

    /** {@code metrics.json} as compact JSON, or null when the run has none. */
    public String metricsJson() {
        return metricsJson;
    }

    /** The data the run trained on, in words. */
    public String trainingData() {
        return String.format(Locale.ROOT, "dataset %s, %.3g s windows, validation fraction %.3g (held out by patient)",
                config.dataset(), config.windowSeconds(), config.validationFraction());
    }

    /** The training method and its main settings, in words. */
    public String trainingMethod() {
        return String.format(Locale.ROOT, "%s from scratch, %d epochs, batch %d, learning rate %.3g cosine to %.3g, "
                        + "weight decay %.3g, seed %d", config.method(), config.epochs(), config.batchSize(),
                config.learningRate(), config.minLearningRate(), config.weightDecay(), config.seed());
    }

    /** SHA-256 (hex) of the weights file. */
    public String paramsSha256() throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(params), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the weights through DJL into a model of the run's configuration and copies them out. */
    public AstWeights loadWeights() throws UnconvertibleCheckpointException {
        try (NDManager manager = NDManager.newBaseManager()) {
            AstModel model = new AstModel(config.model());
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            Checkpoints.loadParams(model, manager, params);
            AstWeights weights = AstWeights.of(model);
            weights.check(config.model());
            return weights;
        } catch (UnconvertibleCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnconvertibleCheckpointException(params + " cannot be loaded into a " + config.model().preset()
                    + " model (D=" + config.model().dim() + ", depth " + config.model().depth() + "): "
                    + e.getMessage(), e);
        }
    }
}
