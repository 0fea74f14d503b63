package io.stethostream.onnx.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.AtomicFiles;
import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the AST as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}, dynamic batch) that
 * describes itself in its metadata ({@link ModelMetadata}), in standard operators only or with ONNX Runtime's fused
 * attention ({@link Operators}). The file is written to a temporary sibling and renamed, so a failed export leaves no
 * file behind; anything that cannot be converted is refused before writing starts.
 */
public final class AstOnnxExporter {

    /** ONNX opset: the first with LayerNormalization. */
    public static final int OPSET = 17;

    /** Which operators the graph is written in. Both compute the same outputs (to float rounding). */
    public enum Operators {
        /**
         * Standard ONNX operators only (opset {@value AstOnnxExporter#OPSET}): loadable by any ONNX Runtime from 1.12
         * and by other ONNX runtimes.
         */
        STANDARD,
        /**
         * Attention as ONNX Runtime's contributed operator {@code com.microsoft.Attention} (operator set
         * {@code com.microsoft} version 1, declared in the model): faster in ONNX Runtime's CPU, loadable only by ONNX
         * Runtime (its CPU and CUDA builds have the kernel).
         */
        FUSED;

        /**
         * What the exporter and the CLI use unless told otherwise: standard operators, so that the file is a standard
         * ONNX model for any runtime; FUSED measured only ~3 % faster (docs/onnx-model.md).
         */
        public static final Operators DEFAULT = STANDARD;
    }
    /** IR version 8 (ONNX 1.12+), readable by every ONNX Runtime from 1.12 and by Debian's python3-onnx. */
    public static final long IR_VERSION = 8;

    private static final ObjectMapper JSON = new ObjectMapper();

    private AstOnnxExporter() {
    }

    /**
     * The descriptive part of the metadata; see {@link ModelMetadata} for the meaning of each field.
     *
     * @param trainingConfigJson nullable
     * @param metricsJson        nullable
     * @param sourceSha256       nullable
     */
    public record Description(String modelName, String modelVersion, String trainingData, String trainingMethod,
                              String trainingConfigJson, String metricsJson, String sourceSha256) {
    }

    /** What was written. */
    public record Result(Path file, ModelMetadata metadata, long bytes) {
    }

    /**
     * Exports a training run folder (see {@link RunCheckpoint}).
     *
     * @param runDir        the run folder ({@code config.json}, {@code feature-spec.json}, {@code model-*.params})
     * @param params        the weights file; null for {@code model-best-val.params}, else {@code model-last.params}
     * @param out           the ONNX file to write
     * @param modelName     null for {@code stethostream-ast-PRESET}
     * @param modelVersion  null for the run folder's name
     * @param withEmbedding also output the pooled embedding
     * @throws UnconvertibleCheckpointException when the run cannot be converted (nothing is written)
     */
    public static Result exportRun(Path runDir, Path params, Path out, String modelName, String modelVersion,
                                   boolean withEmbedding) throws IOException {
        return exportRun(runDir, params, out, modelName, modelVersion, withEmbedding, Operators.DEFAULT);
    }

    /** {@link #exportRun(Path, Path, Path, String, String, boolean)} written in {@code operators}. */
    public static Result exportRun(Path runDir, Path params, Path out, String modelName, String modelVersion,
                                   boolean withEmbedding, Operators operators) throws IOException {
        RunCheckpoint run = RunCheckpoint.open(runDir, params);
        AstWeights weights = run.loadWeights();
        AstConfig cfg = run.config().model();
        String name = modelName != null ? modelName : "stethostream-ast-" + cfg.preset();
        String version = modelVersion != null ? modelVersion : runDir.toAbsolutePath().normalize().getFileName().toString();
        Description desc = new Description(name, version, run.trainingData(), run.trainingMethod(),
                run.configJson(), run.metricsJson(), run.paramsSha256());
        return export(cfg, weights, run.featureSpec(), desc, withEmbedding, operators, out);
    }

    /** Exports a model held in memory (its current weights), in the default operators. */
    public static Result export(AstModel model, FeatureSpec spec, Description desc, boolean withEmbedding, Path out)
            throws IOException {
        return export(model, spec, desc, withEmbedding, Operators.DEFAULT, out);
    }

    /** Exports a model held in memory (its current weights). */
    public static Result export(AstModel model, FeatureSpec spec, Description desc, boolean withEmbedding,
                                Operators operators, Path out) throws IOException {
        return export(model.config(), AstWeights.of(model), spec, desc, withEmbedding, operators, out);
    }

    /** Exports weights for a configuration, after checking that they fit it and the feature spec. */
    public static Result export(AstConfig cfg, AstWeights weights, FeatureSpec spec, Description desc,
                                boolean withEmbedding, Operators operators, Path out) throws IOException {
        ModelProto model = build(cfg, weights, spec, desc, withEmbedding, operators, Instant.now());
        byte[] bytes = model.toByteArray();
        AtomicFiles.write(out, bytes);
        Map<String, String> props = new java.util.LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        return new Result(out, ModelMetadata.fromMap(props), bytes.length);
    }

    /** The model in memory; refuses what cannot be converted. */
    static ModelProto build(AstConfig cfg, AstWeights weights, FeatureSpec spec, Description desc,
                            boolean withEmbedding, Operators operators, Instant created)
            throws UnconvertibleCheckpointException {
        checkPreset(cfg);
        List<String> labels = Arrays.stream(RespiratoryClass.values()).map(RespiratoryClass::label).toList();
        if (cfg.classes() != labels.size()) {
            throw new UnconvertibleCheckpointException("the model has " + cfg.classes() + " classes; labels are known "
                    + "only for the " + labels.size() + " ICBHI classes " + labels);
        }
        if (spec.targetFrames() != cfg.frames() || spec.melBins() != cfg.melBins()) {
            throw new UnconvertibleCheckpointException("the feature spec gives " + spec.targetFrames() + " frames x "
                    + spec.melBins() + " mel bins, the model takes " + cfg.frames() + " x " + cfg.melBins());
        }
        weights.check(cfg);
        AstGraph.Built graph = AstGraph.build(cfg, weights, withEmbedding, operators);
        ModelMetadata meta;
        try {
            meta = new ModelMetadata(spec, labels, desc.modelName(), desc.modelVersion(), desc.trainingData(),
                    desc.trainingMethod(), desc.trainingConfigJson(), JSON.writeValueAsString(cfg),
                    desc.metricsJson(), created.truncatedTo(ChronoUnit.SECONDS), graph.weightsSha256(),
                    desc.sourceSha256());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UnconvertibleCheckpointException("cannot describe the model: " + e.getMessage(), e);
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("stethostream")
                .setProducerVersion(producerVersion())
                .setDomain("io.stethostream")
                .setModelVersion(1)
                .setDocString("Audio Spectrogram Transformer for respiratory sounds (" + String.join(", ", labels)
                        + "); input " + ModelMetadata.INPUT + " (batch, 1, " + cfg.frames() + ", " + cfg.melBins()
                        + ") normalised log-mel; see metadata " + ModelMetadata.FEATURE_SPEC)
                .setGraph(graph.graph());
        if (graph.usesMicrosoft()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(AstGraph.MICROSOFT).setVersion(1));
        }
        meta.toMap().forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /** Named presets must have the preset's width and heads; "custom" is any valid configuration. */
    static void checkPreset(AstConfig cfg) throws UnconvertibleCheckpointException {
        String p = cfg.preset();
        if ("custom".equals(p)) {
            return;
        }
        AstConfig ref;
        try {
            ref = AstConfig.preset(p == null ? "" : p, cfg.stride(), cfg.frames());
        } catch (IllegalArgumentException e) {
            throw new UnconvertibleCheckpointException("unknown model preset '" + p
                    + "' (this exporter knows tiny, small, base and custom)", e);
        }
        if (ref.dim() != cfg.dim() || ref.heads() != cfg.heads() || ref.melBins() != cfg.melBins()) {
            throw new UnconvertibleCheckpointException("preset '" + p + "' is D=" + ref.dim() + " with " + ref.heads()
                    + " heads over " + ref.melBins() + " mel bins, the configuration says D=" + cfg.dim() + ", "
                    + cfg.heads() + " heads, " + cfg.melBins() + " mel bins");
        }
    }

    private static String producerVersion() {
        String v = AstOnnxExporter.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
