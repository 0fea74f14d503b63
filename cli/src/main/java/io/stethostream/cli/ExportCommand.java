package io.stethostream.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.stethostream.onnx.export.AstOnnxExporter;
import io.stethostream.onnx.export.ParityCheck;
import io.stethostream.onnx.export.UnconvertibleCheckpointException;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.TorchSetup;
import io.stethostream.training.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.concurrent.Callable;

/** {@code stethostream export --checkpoint DIR --out model.onnx [--verify]}: a training run to a self-describing ONNX. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a training run's weights as an ONNX model (opset 17, dynamic batch) whose metadata",
                "carries the feature spec, labels, training data and method, metrics and weight hashes.",
                "By default the graph uses standard ONNX operators only (any runtime); --operators fused writes",
                "attention as ONNX Runtime's com.microsoft.Attention (about 3%% faster on the CPU, ONNX Runtime only)."})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A training run folder.")
    Path checkpoint;

    @Option(names = "--weights", defaultValue = "best-val", paramLabel = "best-val|best-test|last",
            description = "Which weights of the run. Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .onnx file to write.")
    Path out;

    @Option(names = "--name", description = "Model name (default: stethostream-ast-PRESET).")
    String name;

    @Option(names = "--model-version", description = "Model version (default: the run folder's name).")
    String version;

    @Option(names = "--embedding", description = "Also output the pooled embedding.")
    boolean embedding;

    @Option(names = "--operators", defaultValue = "standard", paramLabel = "fused|standard",
            converter = OperatorsConverter.class,
            description = "fused: attention as ONNX Runtime's com.microsoft.Attention (loadable by ONNX Runtime only); "
                    + "standard: standard ONNX operators only (any runtime). Same outputs. Default: ${DEFAULT-VALUE}.")
    AstOnnxExporter.Operators operators;

    @Option(names = "--verify", description = "Run random windows (batch 1 and 8) and real windows (batch 8, from "
            + "--verify-audio or else the run's ICBHI/SPRSound recordings when they are present) through DJL and ONNX "
            + "Runtime: logits must agree to 1e-4 and classes on every window.")
    boolean verify;

    @Option(names = "--verify-audio", paramLabel = "FILE", split = ",",
            description = "Recordings to cut real windows from for --verify.")
    List<Path> verifyAudio;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Path params = checkpoint.resolve("model-" + weights + ".params");
        AstOnnxExporter.Result result;
        try {
            result = AstOnnxExporter.exportRun(checkpoint, params, out, name, version, embedding, operators);
        } catch (UnconvertibleCheckpointException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        console.printf(Locale.ROOT, "wrote %s (%.1f MB, %s operators): %s %s%n", result.file(), result.bytes() / 1e6,
                operators.name().toLowerCase(Locale.ROOT), result.metadata().modelName(),
                result.metadata().modelVersion());
        if (verify) {
            TrainConfig config = TrainCommand.readConfig(checkpoint);
            TorchSetup.configure(config.threads());
            try (NDManager manager = NDManager.newBaseManager(); OnnxModel onnx = OnnxModel.open(result.file())) {
                AstModel model = new AstModel(config.model());
                model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
                Checkpoints.loadParams(model, manager, params);
                Random random = new Random(1);
                boolean ok = true;
                for (int b : new int[] {1, 8}) {
                    float[] windows = new float[b * onnx.windowSize()];
                    for (int i = 0; i < windows.length; i++) {
                        windows[i] = (float) random.nextGaussian();
                    }
                    ParityCheck.Result r = ParityCheck.compare(model, onnx, windows, b);
                    console.println("verify: " + r);
                    ok &= r.passed();
                }
                List<Path> recordings = verifyRecordings(config);
                if (recordings.isEmpty()) {
                    console.println("verify: no recordings found for real windows (give --verify-audio)");
                } else {
                    float[] real = ParityCheck.realWindows(recordings, onnx.featureSpec(), 8);
                    ParityCheck.Result r = ParityCheck.compare(model, onnx, real, real.length / onnx.windowSize());
                    console.println("verify (real windows from " + recordings.get(0).getFileName() + "...): " + r);
                    ok &= r.passed();
                }
                if (!ok) {
                    Files.deleteIfExists(result.file());
                    throw new IllegalStateException("ONNX model disagrees with DJL; " + result.file() + " removed");
                }
            }
        }
        console.flush();
        return ExitCodes.OK;
    }

    /** --verify-audio, else the first recordings of the run's dataset folders that exist here. */
    private List<Path> verifyRecordings(TrainConfig config) throws IOException {
        if (verifyAudio != null && !verifyAudio.isEmpty()) {
            for (Path p : verifyAudio) {
                if (!Files.isRegularFile(p)) {
                    throw new InvalidInputException("--verify-audio: no such file " + p);
                }
            }
            return verifyAudio;
        }
        List<Path> found = new ArrayList<>();
        for (String root : new String[] {config.icbhiRoot(), config.sprsoundRoot()}) {
            if (root == null || !Files.isDirectory(Path.of(root))) {
                continue;
            }
            try (Stream<Path> s = Files.walk(Path.of(root))) {
                s.filter(p -> p.toString().endsWith(".flac") || p.toString().endsWith(".wav")).sorted().limit(3)
                        .forEach(found::add);
            }
        }
        return found;
    }

    /** "fused" or "standard", any case. */
    static final class OperatorsConverter implements picocli.CommandLine.ITypeConverter<AstOnnxExporter.Operators> {
        @Override
        public AstOnnxExporter.Operators convert(String value) {
            try {
                return AstOnnxExporter.Operators.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected fused or standard, got '" + value + "'");
            }
        }
    }
}
