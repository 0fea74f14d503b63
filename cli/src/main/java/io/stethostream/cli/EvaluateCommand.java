package io.stethostream.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.TrainingUnits;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.eval.IcbhiScores;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.BatchAssembler;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.Evaluator;
import io.stethostream.training.train.TorchSetup;
import io.stethostream.training.train.TrainConfig;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.training.eval.ConfusionMatrix;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stethostream evaluate (--checkpoint DIR | --model FILE)}: scores a training run's weights with DJL, or an
 * exported ONNX model with ONNX Runtime, on a split of a dataset. Both paths use the same cycles, the same feature code
 * and the same scoring, so the same model prints the same metrics either way.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model (a training run folder, or an exported .onnx file) on a split: Sp, Se, "
                + "Score, 2-class view, per-class recall, confusion matrix.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingData data;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Exactly one model source. */
    static final class Source {
        @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A training run folder.")
        Path checkpoint;

        @Option(names = "--model", required = true, paramLabel = "FILE",
                description = "An exported .onnx model (its metadata names the run's dataset, seed and split).")
        Path model;
    }

    @Option(names = "--weights", defaultValue = "best-val", paramLabel = "best-val|best-test|last",
            description = "Which weights of the run: the honest protocol's epoch (default), the paper protocol's, "
                    + "or the last epoch.")
    String weights;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|validation|train",
            description = "Default: ${DEFAULT-VALUE}. validation/train are the run's own patient-disjoint carve-out.")
    String split;

    @Option(names = "--json", description = "Print the scores as JSON.")
    boolean json;

    @Option(names = "--threads", defaultValue = "0", description = "Threads for ONNX Runtime or PyTorch (0 = all cores).")
    int threads;

    @Option(names = "--band-limit", paramLabel = "HZ",
            description = "Pass every cycle through this sampling rate (resampled down to it and back to the model "
                    + "rate) before the front end, e.g. 4000 to score the model on audio as a 4 kHz stethoscope "
                    + "records it. From 4000 up to below the model rate. Default: none.")
    Integer bandLimit;

    @Option(names = "--probabilities", paramLabel = "FILE",
            description = "Also write each cycle's class probabilities to this CSV (cycle, patient, label, one column "
                    + "per class), for calibration and error analysis. Needs --model.")
    Path probabilities;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        boolean onnx = source.model != null;
        if (probabilities != null && !onnx) {
            throw new InvalidInputException("--probabilities needs an exported model (--model FILE); export the run "
                    + "first");
        }
        OnnxModel onnxModel = onnx ? ModelFiles.open(source.model, threads) : null;
        try {
            TrainConfig config = onnx ? configOf(onnxModel) : TrainCommand.readConfig(source.checkpoint);
            Path params = null;
            if (!onnx) {
                params = source.checkpoint.resolve("model-" + weights + ".params");
                if (!Files.exists(params)) {
                    throw new InvalidInputException("no " + params.getFileName() + " in " + source.checkpoint
                            + " (choose --weights best-val, best-test or last)");
                }
            }
            data.defaults(config.dataset(), config.icbhiRoot(), config.sprsoundRoot(), config.units());
            FeatureSpec featureSpec = onnx ? onnxModel.featureSpec()
                    : config.featureSpec();
            BatchAssembler assembler = assembler(featureSpec).withFit(config.cycleFit());
            List<LabelledCycle> cycles = cycles(featureSpec, config);
            String device;
            IcbhiScores scores;
            if (onnx) {
                device = onnxModel.device();
                ProbabilityTable table = probabilities == null ? null : new ProbabilityTable();
                scores = IcbhiScores.of(scoreOnnx(onnxModel, assembler, cycles, table));
                if (table != null) {
                    table.write(probabilities, onnxModel.metadata().labels());
                }
            } else {
                device = TorchSetup.configure(threads > 0 ? threads : config.threads());
                scores = IcbhiScores.of(scoreDjl(config, params, assembler, cycles));
            }
            String what = onnx ? source.model.toString() : source.checkpoint + " " + weights;
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                if (onnx) {
                    result.put("model", source.model.toString());
                    result.put("model_version", onnxModel.metadata().modelVersion());
                } else {
                    result.put("checkpoint", source.checkpoint.toString());
                    result.put("weights", weights);
                }
                result.put("dataset", data.choice().label());
                result.put("split", split);
                result.put("units", data.units().label());
                if (bandLimit != null) {
                    result.put("bandLimitHz", bandLimit);
                }
                result.put("scores", scores);
                out.println(TrainCommand.JSON.writeValueAsString(result));
            } else {
                out.printf(Locale.ROOT, "device: %s%n%s on %s %s (%d %s%s)%n%s%n", device, what,
                        data.choice().label(), split, cycles.size(), data.units() != TrainingUnits.WINDOWS ? "cycles"
                                : "windows",
                        bandLimit == null ? "" : ", through " + bandLimit + " Hz sampling", scores.summary());
            }
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (onnxModel != null) {
                onnxModel.close();
            }
        }
    }

    /** The model input of the cycles: the front end, after --band-limit's resampling when given. */
    private BatchAssembler assembler(FeatureSpec featureSpec) {
        BatchAssembler assembler = new BatchAssembler(featureSpec);
        if (bandLimit == null) {
            return assembler;
        }
        try {
            return assembler.withBandLimit(bandLimit);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--band-limit: " + e.getMessage(), e);
        }
    }

    private List<LabelledCycle> cycles(FeatureSpec featureSpec, TrainConfig config) throws IOException {
        CycleLoader.Splits splits = data.load(featureSpec, spec.commandLine().getErr());
        if (split.equals("test")) {
            return splits.test();
        }
        ValidationSplit.Carved carved = ValidationSplit.carve(splits.train(), config.validationFraction(),
                config.seed());
        return switch (split) {
            case "validation" -> carved.validation();
            case "train" -> carved.train();
            default -> throw new InvalidInputException("unknown --split " + split + " (test, validation, train)");
        };
    }

    /** The training configuration an exported model carries; needed for the run's dataset and validation carve-out. */
    static TrainConfig configOf(OnnxModel model) {
        String json = model.metadata().trainingConfigJson();
        if (json == null) {
            throw new InvalidInputException(model.file() + " carries no training configuration (metadata "
                    + ModelMetadata.TRAINING_CONFIG + "); export it from a training run");
        }
        try {
            return TrainCommand.JSON.readValue(json, TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(model.file() + ": unreadable " + ModelMetadata.TRAINING_CONFIG + ": "
                    + e.getMessage(), e);
        }
    }

    private static ConfusionMatrix scoreDjl(TrainConfig config, Path params, BatchAssembler assembler,
                                            List<LabelledCycle> cycles) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(TorchSetup.device())) {
            AstModel model = new AstModel(config.model());
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            Checkpoints.loadParams(model, manager, params);
            return new Evaluator(assembler, BATCH).evaluate(model, manager, cycles);
        }
    }

    /** The ONNX twin of {@link Evaluator#evaluate}: same batches, argmax of the logits, classes matched by name. */
    static ConfusionMatrix scoreOnnx(OnnxModel model, BatchAssembler assembler, List<LabelledCycle> cycles) {
        return scoreOnnx(model, assembler, cycles, null);
    }

    /** As above, also keeping each cycle's probabilities in {@code table} when it is not null. */
    static ConfusionMatrix scoreOnnx(OnnxModel model, BatchAssembler assembler, List<LabelledCycle> cycles,
                                     ProbabilityTable table) {
        List<String> labels = model.metadata().labels();
        if (!labels.equals(ConfusionMatrix.CLASS_LABELS)) {
            throw new InvalidInputException(model.file() + ": labels " + labels + " are not the dataset's classes "
                    + ConfusionMatrix.CLASS_LABELS);
        }
        ConfusionMatrix cm = new ConfusionMatrix();
        for (int from = 0; from < cycles.size(); from += BATCH) {
            List<LabelledCycle> part = cycles.subList(from, Math.min(cycles.size(), from + BATCH));
            Predictions p = model.predict(assembler.batch(part, null), part.size());
            for (int i = 0; i < part.size(); i++) {
                cm.add(part.get(i).label().ordinal(), p.argmax(i));
                if (table != null) {
                    table.add(part.get(i), p.probabilities()[i]);
                }
            }
        }
        return cm;
    }

    private static final int BATCH = 16;
}
