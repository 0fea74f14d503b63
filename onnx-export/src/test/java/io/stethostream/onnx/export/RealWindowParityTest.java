package io.stethostream.onnx.export;

import ai.djl.ndarray.NDManager;
import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.IcbhiAnnotationFile;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.training.model.AstConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJL and ONNX Runtime agree on real feature windows from ICBHI recordings (annotated cycles as training prepares them,
 * and sliding windows as the stream cuts them), batch 1 and 8, for the shipped model's architecture, in standard
 * operators and with ONNX Runtime's fused attention.
 */
@Tag("shared-data")
class RealWindowParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(AstOnnxExporter.Operators.class)
    void realWindowsAgreeWithinTolerance(AstOnnxExporter.Operators operators) throws Exception {
        FeatureSpec spec = FeatureSpec.PATCH_MIX; // 8 s windows, as the shipped model
        AstConfig cfg = AstConfig.preset("tiny", 16, spec.targetFrames()).withDepth(4);
        float[] windows = realWindows(spec, 8);
        Path file = tmp.resolve("real.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            var model = TestModels.randomModel(m, cfg, 5);
            AstOnnxExporter.export(model, spec, TestModels.description(), false, operators, file);
            try (OnnxModel onnx = OnnxModel.open(file, new OnnxModel.Options(2, OnnxModel.Device.CPU))) {
                int size = onnx.windowSize();
                for (int i = 0; i < 8; i++) {
                    ParityCheck.Result one = ParityCheck.compare(model, onnx,
                            Arrays.copyOfRange(windows, i * size, (i + 1) * size), 1);
                    assertTrue(one.passed(), operators + " window " + i + ": " + one);
                }
                ParityCheck.Result eight = ParityCheck.compare(model, onnx, windows, 8);
                System.out.println("real-window parity " + operators + " (tiny depth 4 stride 16, 8 s): " + eight);
                assertTrue(eight.passed(), eight.toString());
            }
        }
    }

    /** Four annotated cycles and four sliding windows from the first ICBHI recordings with audio. */
    private static float[] realWindows(FeatureSpec spec, int n) throws Exception {
        String prop = System.getProperty("stethostream.shared.data");
        Path audio = Path.of(prop).resolve("icbhi").resolve("audio_and_txt_files");
        if (!Files.isDirectory(audio)) {
            throw new IllegalStateException("shared data missing: " + audio);
        }
        List<Path> flacs;
        try (Stream<Path> s = Files.list(audio)) {
            flacs = s.filter(p -> p.toString().endsWith(".flac")).sorted().limit(2).toList();
        }
        FeatureExtractor fx = new FeatureExtractor(spec);
        CyclePreparer preparer = new CyclePreparer(spec);
        List<float[]> out = new ArrayList<>();
        for (Path flac : flacs) {
            AudioClip clip = fx.toModelRate(AudioFiles.read(flac));
            List<Cycle> cycles = IcbhiAnnotationFile.read(Path.of(flac.toString().replace(".flac", ".txt")));
            List<float[]> prepared = preparer.prepare(clip, cycles.subList(0, 2));
            for (float[] c : prepared) {
                out.add(fx.modelInput(c).data());
            }
            for (int w = 0; w < 2; w++) {
                int from = w * spec.hopSamples();
                out.add(fx.modelInput(Arrays.copyOfRange(clip.samples(), from, from + spec.windowSamples())).data());
            }
        }
        int size = out.get(0).length;
        float[] x = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(out.get(i), 0, x, i * size, size);
        }
        return x;
    }
}
