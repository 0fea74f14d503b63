package io.stethostream.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a Stethostream ONNX file says about itself, stored as the model's {@code metadata_props} (string key/value
 * pairs; keys below, documented in {@code docs/onnx-model.md}). Serving reads the feature spec and labels from here,
 * never from constants.
 *
 * @param featureSpec        the front end the model was trained for (key {@value #FEATURE_SPEC})
 * @param labels             class labels in output order (key {@value #LABELS}, a JSON array)
 * @param modelName          model name (key {@value #MODEL_NAME})
 * @param modelVersion       model version (key {@value #MODEL_VERSION})
 * @param trainingData       the data it was trained on, in words (key {@value #TRAINING_DATA})
 * @param trainingMethod     the training method, in words (key {@value #TRAINING_METHOD})
 * @param trainingConfigJson the whole training configuration as JSON, or null (key {@value #TRAINING_CONFIG})
 * @param modelConfigJson    the AST configuration as JSON (key {@value #MODEL_CONFIG})
 * @param metricsJson        evaluation metrics as JSON ({@code metrics.json} of the run), or null (key {@value #METRICS})
 * @param created            when the file was written (key {@value #CREATED}, ISO-8601 UTC)
 * @param weightsSha256      SHA-256 (hex) of the graph's initializers' raw bytes in file order (key {@value #WEIGHTS_SHA256})
 * @param sourceSha256       SHA-256 (hex) of the checkpoint file the weights came from, or null (key {@value #SOURCE_SHA256})
 */
public record ModelMetadata(FeatureSpec featureSpec, List<String> labels, String modelName, String modelVersion,
                            String trainingData, String trainingMethod, String trainingConfigJson,
                            String modelConfigJson, String metricsJson, Instant created, String weightsSha256,
                            String sourceSha256) {

    /** Graph input: normalised log-mel, float32 (batch, 1, targetFrames, melBins). */
    public static final String INPUT = "logmel";
    /** Graph output: class logits (batch, classes). */
    public static final String LOGITS = "logits";
    /** Graph output: softmax of the logits (batch, classes). */
    public static final String PROBABILITIES = "probabilities";
    /** Optional graph output: the pooled feature (batch, D). */
    public static final String EMBEDDING = "embedding";

    public static final int FORMAT = 1;

    public static final String PREFIX = "stethostream.";
    public static final String FORMAT_VERSION = PREFIX + "format_version";
    public static final String FEATURE_SPEC = PREFIX + "feature_spec";
    public static final String LABELS = PREFIX + "labels";
    public static final String MODEL_NAME = PREFIX + "model_name";
    public static final String MODEL_VERSION = PREFIX + "model_version";
    public static final String TRAINING_DATA = PREFIX + "training_data";
    public static final String TRAINING_METHOD = PREFIX + "training_method";
    public static final String TRAINING_CONFIG = PREFIX + "training_config";
    public static final String MODEL_CONFIG = PREFIX + "model_config";
    public static final String METRICS = PREFIX + "metrics";
    public static final String CREATED = PREFIX + "created";
    public static final String WEIGHTS_SHA256 = PREFIX + "weights_sha256";
    public static final String SOURCE_SHA256 = PREFIX + "source_sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelMetadata {
        Objects.requireNonNull(featureSpec, "featureSpec");
        labels = List.copyOf(labels);
        if (labels.isEmpty() || new HashSet<>(labels).size() != labels.size()
                || labels.stream().anyMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("model labels must be distinct and non-empty, got " + labels);
        }
        requireText(modelName, MODEL_NAME);
        requireText(modelVersion, MODEL_VERSION);
        requireText(trainingData, TRAINING_DATA);
        requireText(trainingMethod, TRAINING_METHOD);
        requireText(modelConfigJson, MODEL_CONFIG);
        Objects.requireNonNull(created, "created");
        if (weightsSha256 == null || !weightsSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(WEIGHTS_SHA256 + " must be 64 hex digits, got " + weightsSha256);
        }
    }

    private static void requireText(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model metadata " + key + " is missing or empty");
        }
    }

    /** The key/value pairs written into the file, in a stable order; null optional values are left out. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_VERSION, Integer.toString(FORMAT));
        m.put(MODEL_NAME, modelName);
        m.put(MODEL_VERSION, modelVersion);
        m.put(LABELS, json(labels));
        m.put(FEATURE_SPEC, featureSpec.toJson());
        m.put(MODEL_CONFIG, modelConfigJson);
        m.put(TRAINING_DATA, trainingData);
        m.put(TRAINING_METHOD, trainingMethod);
        if (trainingConfigJson != null) {
            m.put(TRAINING_CONFIG, trainingConfigJson);
        }
        if (metricsJson != null) {
            m.put(METRICS, metricsJson);
        }
        m.put(CREATED, created.toString());
        m.put(WEIGHTS_SHA256, weightsSha256);
        if (sourceSha256 != null) {
            m.put(SOURCE_SHA256, sourceSha256);
        }
        return m;
    }

    /**
     * Reads and validates the metadata of a model file.
     *
     * @throws IllegalArgumentException naming the key that is missing or invalid (not a Stethostream model, a newer
     *                                  format, a feature spec that does not parse, ...)
     */
    public static ModelMetadata fromMap(Map<String, String> m) {
        String format = m.get(FORMAT_VERSION);
        if (format == null) {
            throw new IllegalArgumentException("not a Stethostream model: metadata " + FORMAT_VERSION + " missing");
        }
        if (!Integer.toString(FORMAT).equals(format.trim())) {
            throw new IllegalArgumentException("model metadata format " + format + "; this build reads " + FORMAT);
        }
        FeatureSpec spec = FeatureSpec.fromJson(required(m, FEATURE_SPEC));
        List<String> labels;
        try {
            labels = JSON.readValue(required(m, LABELS), new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model metadata " + LABELS + " is not a JSON array of strings", e);
        }
        Instant created;
        try {
            created = Instant.parse(required(m, CREATED));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("model metadata " + CREATED + " is not an ISO-8601 instant", e);
        }
        return new ModelMetadata(spec, labels, required(m, MODEL_NAME), required(m, MODEL_VERSION),
                required(m, TRAINING_DATA), required(m, TRAINING_METHOD), m.get(TRAINING_CONFIG),
                required(m, MODEL_CONFIG), m.get(METRICS), created, required(m, WEIGHTS_SHA256),
                m.get(SOURCE_SHA256));
    }

    private static String required(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("model metadata " + key + " is missing");
        }
        return v;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
