package io.stethostream.onnx.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.training.model.AstConfig;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Reads the optional embedding output straight from ONNX Runtime (the serving API does not expose it). */
final class EmbeddingProbe {

    private EmbeddingProbe() {
    }

    static float[] embedding(Path file, float[] x, int b, AstConfig cfg) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
                     new long[] {b, 1, cfg.frames(), cfg.melBins()});
             OrtSession.Result r = s.run(Map.of(ModelMetadata.INPUT, in), Set.of(ModelMetadata.EMBEDDING))) {
            float[][] e = (float[][]) r.get(0).getValue();
            float[] flat = new float[b * e[0].length];
            for (int i = 0; i < b; i++) {
                System.arraycopy(e[i], 0, flat, i * e[0].length, e[0].length);
            }
            return flat;
        }
    }
}
