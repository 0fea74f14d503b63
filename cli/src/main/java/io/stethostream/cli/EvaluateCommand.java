package io.stethostream.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.eval.IcbhiScores;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.BatchAssembler;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.Evaluator;
import io.stethostream.training.train.TorchSetup;
import io.stethostream.training.train.TrainConfig;
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

/** {@code stethostream evaluate --checkpoint DIR}: scores a trained run's weights on a split of a dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model (a training run folder) on a split: Sp, Se, Score, 2-class view, "
                + "per-class recall, confusion matrix.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingData data;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A training run folder.")
    Path checkpoint;

    @Option(names = "--weights", defaultValue = "best-val", paramLabel = "best-val|best-test|last",
            description = "Which weights of the run: the honest protocol's epoch (default), the paper protocol's, "
                    + "or the last epoch.")
    String weights;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|validation|train",
            description = "Default: ${DEFAULT-VALUE}. validation/train are the run's own patient-disjoint carve-out.")
    String split;

    @Option(names = "--json", description = "Print the scores as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TrainConfig config = TrainCommand.readConfig(checkpoint);
        data.defaults(config.dataset(), config.icbhiRoot(), config.sprsoundRoot());
        Path params = checkpoint.resolve("model-" + weights + ".params");
        if (!Files.exists(params)) {
            throw new InvalidInputException("no " + params.getFileName() + " in " + checkpoint
                    + " (choose --weights best-val, best-test or last)");
        }
        String device = TorchSetup.configure(config.threads());
        FeatureSpec featureSpec = FeatureSpec.PATCH_MIX.withWindowSeconds(config.windowSeconds());
        CycleLoader.Splits splits = data.load(featureSpec, spec.commandLine().getErr());
        ValidationSplit.Carved carved = ValidationSplit.carve(splits.train(), config.validationFraction(),
                config.seed());
        List<LabelledCycle> cycles = switch (split) {
            case "test" -> splits.test();
            case "validation" -> carved.validation();
            case "train" -> carved.train();
            default -> throw new InvalidInputException("unknown --split " + split + " (test, validation, train)");
        };
        IcbhiScores scores;
        try (NDManager manager = NDManager.newBaseManager()) {
            AstModel model = new AstModel(config.model());
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            Checkpoints.loadParams(model, manager, params);
            scores = IcbhiScores.of(new Evaluator(new BatchAssembler(featureSpec), 16)
                    .evaluate(model, manager, cycles));
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("checkpoint", checkpoint.toString());
            result.put("weights", weights);
            result.put("dataset", data.choice().label());
            result.put("split", split);
            result.put("scores", scores);
            out.println(TrainCommand.JSON.writeValueAsString(result));
        } else {
            out.printf(Locale.ROOT, "device: %s%n%s %s on %s %s (%d cycles)%n%s%n", device, checkpoint, weights,
                    data.choice().label(), split, cycles.size(), scores.summary());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
