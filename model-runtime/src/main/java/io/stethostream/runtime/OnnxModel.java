package io.stethostream.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.stethostream.ingest.features.FeatureSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Stethostream ONNX model opened in ONNX Runtime: the one inference API of everything that serves (stream, CLI,
 * benchmarks). Opening reads and validates the file's metadata ({@link ModelMetadata}) and its input and output
 * shapes against the feature spec it carries. CUDA is used when the GPU build of ONNX Runtime is on the classpath and
 * a GPU answers, the CPU otherwise; the choice is logged and reported by {@link #device()}.
 *
 * <p>Safe to share between threads ({@code OrtSession.run} is thread-safe); {@link #close} waits for running
 * predictions and later calls fail with {@link IllegalStateException}.
 */
public final class OnnxModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    /** Where to run. */
    public enum Device {
        /** CUDA when available, else CPU. */
        AUTO,
        /** CPU only. */
        CPU
    }

    /**
     * Session settings.
     *
     * @param threads intra-op threads (0: ONNX Runtime's default, all cores)
     * @param device  where to run
     */
    public record Options(int threads, Device device) {

        public Options {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
        }

        public static Options defaults() {
            return new Options(0, Device.AUTO);
        }
    }

    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelMetadata metadata;
    private final String device;
    private final int frames;
    private final int melBins;
    private final int classes;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModel(Path file, OrtEnvironment env, OrtSession session, ModelMetadata metadata, String device) {
        this.file = file;
        this.env = env;
        this.session = session;
        this.metadata = metadata;
        this.device = device;
        this.frames = metadata.featureSpec().targetFrames();
        this.melBins = metadata.featureSpec().melBins();
        this.classes = metadata.labels().size();
    }

    /** Opens a model with default options (all cores, CUDA if available). */
    public static OnnxModel open(Path file) throws IOException {
        return open(file, Options.defaults());
    }

    /**
     * Opens and validates a model file.
     *
     * @throws IOException when the file is missing, is not an ONNX model, or is not a valid Stethostream model (the
     *                     message says which metadata or shape is wrong)
     */
    public static OnnxModel open(Path file, Options options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model file at " + file);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            String device = "CPU";
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            try {
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (options.threads() > 0) {
                    so.setIntraOpNumThreads(options.threads());
                }
                so.setInterOpNumThreads(1);
                if (options.device() == Device.AUTO && OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    try {
                        so.addCUDA(0);
                        device = "CUDA:0";
                    } catch (OrtException e) {
                        LOG.info("ONNX Runtime has CUDA but no usable GPU ({}); using the CPU", e.getMessage());
                    }
                }
                session = env.createSession(file.toString(), so);
            } finally {
                so.close();
            }
            ModelMetadata metadata;
            try {
                metadata = ModelMetadata.fromMap(session.getMetadata().getCustomMetadata());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            checkShapes(file, session, metadata);
            OnnxModel model = new OnnxModel(file, env, session, metadata, device);
            LOG.info("model {} {} from {} on {} ({} threads)", metadata.modelName(), metadata.modelVersion(), file,
                    device, options.threads() > 0 ? options.threads() : "all");
            session = null; // owned by the model now
            return model;
        } catch (OrtException e) {
            throw new IOException(file + " cannot be opened by ONNX Runtime: " + e.getMessage(), e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // already failing
                }
            }
        }
    }

    private static void checkShapes(Path file, OrtSession session, ModelMetadata meta) throws OrtException, IOException {
        FeatureSpec spec = meta.featureSpec();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo in = inputs.get(ModelMetadata.INPUT);
        if (inputs.size() != 1 || in == null) {
            throw new IOException(file + ": expected one input '" + ModelMetadata.INPUT + "', found " + inputs.keySet());
        }
        long[] want = {-1, 1, spec.targetFrames(), spec.melBins()};
        long[] got = ((TensorInfo) in.getInfo()).getShape();
        if (!Arrays.equals(want, got)) {
            throw new IOException(file + ": input shape " + Arrays.toString(got) + " does not match the feature spec's "
                    + "(batch, 1, " + spec.targetFrames() + ", " + spec.melBins() + ")");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        for (String name : new String[] {ModelMetadata.LOGITS, ModelMetadata.PROBABILITIES}) {
            NodeInfo o = outputs.get(name);
            if (o == null) {
                throw new IOException(file + ": output '" + name + "' missing, found " + outputs.keySet());
            }
            long[] shape = ((TensorInfo) o.getInfo()).getShape();
            if (shape.length != 2 || shape[1] != meta.labels().size()) {
                throw new IOException(file + ": output '" + name + "' has shape " + Arrays.toString(shape) + " for "
                        + meta.labels().size() + " labels");
            }
        }
    }

    public Path file() {
        return file;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** The feature spec inputs must be computed with. */
    public FeatureSpec featureSpec() {
        return metadata.featureSpec();
    }

    /** "CPU" or "CUDA:0". */
    public String device() {
        return device;
    }

    /** Floats in one input window: targetFrames x melBins. */
    public int windowSize() {
        return frames * melBins;
    }

    /**
     * Runs a batch.
     *
     * @param batch {@code b} windows of normalised log-mel, each targetFrames x melBins floats (time-major), back to back
     * @param b     number of windows (at least 1)
     */
    public Predictions predict(float[] batch, int b) {
        if (b < 1 || batch.length != (long) b * windowSize()) {
            throw new IllegalArgumentException("need " + b + " x " + frames + " x " + melBins + " floats, got "
                    + batch.length);
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model " + file + " is closed");
            }
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch),
                    new long[] {b, 1, frames, melBins});
                 OrtSession.Result result = session.run(Map.of(ModelMetadata.INPUT, input),
                         Set.of(ModelMetadata.LOGITS, ModelMetadata.PROBABILITIES))) {
                float[][] logits = (float[][]) result.get(ModelMetadata.LOGITS).orElseThrow().getValue();
                float[][] probs = (float[][]) result.get(ModelMetadata.PROBABILITIES).orElseThrow().getValue();
                return new Predictions(logits, probs, metadata.labels());
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on a batch of " + b + ": " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes the session after running predictions finish. The shared ONNX Runtime environment stays open. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            LOG.warn("closing {}: {}", file, e.getMessage());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
