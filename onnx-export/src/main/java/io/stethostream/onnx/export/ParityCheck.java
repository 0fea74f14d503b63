package io.stethostream.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.training.model.AstModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the same windows through DJL and through an exported file in ONNX Runtime and compares the logits: the proof
 * behind {@code export --verify} and the parity tests.
 */
public final class ParityCheck {

    /** Largest logit difference the export may show (absolute). */
    public static final double TOLERANCE = 1e-4;

    private ParityCheck() {
    }

    /**
     * The comparison of one batch.
     *
     * @param batch          windows compared
     * @param maxAbsDiff     largest |DJL logit - ONNX logit|
     * @param argmaxAgreeing windows whose predicted class is the same in both
     */
    public record Result(int batch, double maxAbsDiff, int argmaxAgreeing) {

        /** Within {@link #TOLERANCE} and the same class for every window. */
        public boolean passed() {
            return maxAbsDiff <= TOLERANCE && argmaxAgreeing == batch;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "batch %d: max |logit diff| %.3g, classes agree on %d/%d",
                    batch, maxAbsDiff, argmaxAgreeing, batch);
        }
    }

    /**
     * Up to {@code n} real windows from recordings (WAV or FLAC, any rate): sliding windows at the spec's hop, each as
     * the model input that serving computes. Fewer when the recordings hold fewer windows.
     */
    public static float[] realWindows(List<Path> recordings, FeatureSpec spec, int n) throws IOException {
        FeatureExtractor fx = new FeatureExtractor(spec);
        List<float[]> out = new ArrayList<>();
        for (Path file : recordings) {
            float[] samples = fx.toModelRate(AudioFiles.read(file)).samples();
            for (int from = 0; from + spec.windowSamples() <= samples.length && out.size() < n;
                 from += spec.hopSamples()) {
                out.add(fx.modelInput(Arrays.copyOfRange(samples, from, from + spec.windowSamples())).data());
            }
            if (out.size() >= n) {
                break;
            }
        }
        float[] x = new float[out.size() * spec.targetFrames() * spec.melBins()];
        for (int i = 0; i < out.size(); i++) {
            System.arraycopy(out.get(i), 0, x, i * out.get(i).length, out.get(i).length);
        }
        return x;
    }

    /** Compares {@code model} (DJL) and {@code onnx} on {@code b} windows laid out as {@link OnnxModel#predict}. */
    public static Result compare(AstModel model, OnnxModel onnx, float[] windows, int b) {
        float[] djl;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(windows, model.inputShape(b));
            djl = model.forward(new ParameterStore(m, false), new NDList(x), false).get(0).toFloatArray();
        }
        Predictions ort = onnx.predict(windows, b);
        int classes = model.config().classes();
        double max = 0;
        int agree = 0;
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, Math.abs(djl[i * classes + c] - ort.logits()[i][c]));
                if (djl[i * classes + c] > djl[i * classes + best]) {
                    best = c;
                }
            }
            if (best == ort.argmax(i)) {
                agree++;
            }
        }
        return new Result(b, max, agree);
    }
}
