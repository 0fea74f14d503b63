package io.stethostream.streams.models;

import io.stethostream.ingest.AtomicFiles;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The checks a model passes before it serves: it opens as a valid Stethostream model, meets the running contract
 * (feature spec and labels; windowing state and alerts depend on both), and a canary inference on two known windows
 * gives finite probabilities of the right shape that sum to one.
 */
public final class ModelAcceptance {

    private final Path cacheDir;
    private final OnnxModel.Options options;

    /**
     * @param cacheDir where accepted files are kept (by SHA-256), so a restart need not fetch them again
     * @param options  session options for served models
     */
    public ModelAcceptance(Path cacheDir, OnnxModel.Options options) {
        this.cacheDir = cacheDir;
        this.options = options;
    }

    /**
     * Writes the file to the cache, opens it and checks it.
     *
     * @param contractSpec   the feature spec the running instance serves, or null at start-up (anything valid)
     * @param contractLabels the labels the running instance serves, or null at start-up
     * @return the open model, ready to swap in; the caller owns it
     */
    public OnnxModel accept(String sha, byte[] file, FeatureSpec contractSpec, List<String> contractLabels)
            throws ModelRefusedException {
        Path path = cacheDir.resolve(sha + ".onnx");
        try {
            Files.createDirectories(cacheDir);
            AtomicFiles.write(path, file);
        } catch (IOException e) {
            throw new ModelRefusedException("cannot write " + path + ": " + e.getMessage(), e);
        }
        OnnxModel model;
        try {
            model = OnnxModel.open(path, options);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(path);
            throw new ModelRefusedException("not a servable model: " + e.getMessage(), e);
        }
        try {
            check(model, contractSpec, contractLabels);
            return model;
        } catch (ModelRefusedException e) {
            model.close();
            deleteQuietly(path);
            throw e;
        }
    }

    /** The contract and canary checks on an open model. */
    public static void check(OnnxModel model, FeatureSpec contractSpec, List<String> contractLabels)
            throws ModelRefusedException {
        FeatureSpec spec = model.featureSpec();
        // The contract is the windowing the stores hold state for; each model normalises the log-mel with its own
        // statistics at inference, so those may differ.
        if (contractSpec != null
                && !spec.withNormalisation(contractSpec.normMean(), contractSpec.normStd()).equals(contractSpec)) {
            throw new ModelRefusedException("incompatible feature spec: the running contract is " + contractSpec.toJson()
                    + ", the model needs " + spec.toJson() + " (restart the application with --model to change it)");
        }
        if (contractLabels != null && !model.metadata().labels().equals(contractLabels)) {
            throw new ModelRefusedException("incompatible labels " + model.metadata().labels() + " (serving "
                    + contractLabels + ")");
        }
        canary(model);
    }

    /** Two windows: low noise and a 400 Hz tone in noise. Output must be finite, (2, classes), rows summing to 1. */
    static void canary(OnnxModel model) throws ModelRefusedException {
        FeatureSpec spec = model.featureSpec();
        FeatureExtractor fx = new FeatureExtractor(spec);
        int n = spec.windowSamples();
        Random r = new Random(7);
        float[] quiet = new float[n];
        float[] tone = new float[n];
        for (int i = 0; i < n; i++) {
            quiet[i] = (float) (0.001 * r.nextGaussian());
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 400 * i / spec.sampleRate()) + 0.01 * r.nextGaussian());
        }
        FeatureMatrix a = fx.modelInput(quiet);
        FeatureMatrix b = fx.modelInput(tone);
        float[] x = new float[a.data().length * 2];
        System.arraycopy(a.data(), 0, x, 0, a.data().length);
        System.arraycopy(b.data(), 0, x, a.data().length, b.data().length);
        Predictions p;
        try {
            p = model.predict(x, 2);
        } catch (RuntimeException e) {
            throw new ModelRefusedException("canary inference failed: " + e.getMessage(), e);
        }
        int classes = model.metadata().labels().size();
        if (p.batch() != 2 || p.probabilities()[0].length != classes) {
            throw new ModelRefusedException("canary output has shape (" + p.batch() + ", "
                    + p.probabilities()[0].length + "), expected (2, " + classes + ")");
        }
        for (int i = 0; i < 2; i++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                float v = p.probabilities()[i][c];
                if (!Float.isFinite(v) || !Float.isFinite(p.logits()[i][c])) {
                    throw new ModelRefusedException("canary output is not finite (window " + i + ", class "
                            + model.metadata().labels().get(c) + ": logit " + p.logits()[i][c] + ")");
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                throw new ModelRefusedException("canary probabilities of window " + i + " sum to " + sum);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover cache file is harmless: it is overwritten by the next attempt with the same SHA-256
        }
    }
}
