import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.DatasetChoice;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.eval.EpochRecord;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.pretrain.PretrainingRun;
import io.stethostream.training.train.BatchAssembler;
import io.stethostream.training.train.TorchSetup;
import io.stethostream.training.train.TrainConfig;
import io.stethostream.training.train.TrainingListener;
import io.stethostream.training.train.TrainingRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Can the fine-tuning recipe fit a small balanced set of SPRSound training events (scripts/fit-probe)? PER_CLASS
 * normal, crackle and wheeze events of the seed-1 training carve, no augmentation of any kind, unweighted CE, AdamW
 * 2e-4 with a 10-step warm-up and a per-step cosine, batch 16, AST tiny depth 4 stride 16 on 4 s windows; after every
 * epoch the same events are scored in evaluation mode: a model that can learn them ends near Score 100. Also prints
 * the model input's mean and standard deviation over those events under the chosen normalisation, and per mel bin.
 */
public final class FitProbe {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: FitProbe SPRSOUND_DIR PER_CLASS EPOCHS audioset|dataset scratch|ENCODER_DIR OUT_DIR");
            System.exit(2);
        }
        int perClass = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        boolean dataset = args[3].equals("dataset");
        Path encoder = args[4].equals("scratch") ? null : Path.of(args[4]);
        System.out.println(TorchSetup.configure(1));
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(4);
        CycleLoader.Splits splits = CycleLoader.load(DatasetChoice.SPRSOUND, null, Path.of(args[0]), spec,
                (done, total) -> { });
        ValidationSplit.Carved carved = ValidationSplit.carve(splits.train(), ValidationSplit.DEFAULT_FRACTION, 1);
        List<LabelledCycle> pool = new ArrayList<>(carved.train());
        Collections.shuffle(pool, new Random(7));
        Map<RespiratoryClass, Integer> taken = new EnumMap<>(RespiratoryClass.class);
        List<LabelledCycle> subset = new ArrayList<>();
        for (LabelledCycle c : pool) {
            int k = taken.getOrDefault(c.label(), 0);
            if (k < perClass && c.label() != RespiratoryClass.BOTH) {
                subset.add(c);
                taken.put(c.label(), k + 1);
            }
        }
        InputNormalisation norm = dataset
                ? InputNormalisation.measure(spec, carved.train().stream().map(LabelledCycle::samples).toList(),
                CycleFit.TILE) : null;
        if (norm != null) {
            spec = norm.applyTo(spec);
        }
        BatchAssembler assembler = new BatchAssembler(spec);
        float[] x = assembler.batch(subset, null);
        double sum = 0;
        double squares = 0;
        for (float v : x) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / x.length;
        System.out.printf(Locale.ROOT, "events %s; normalisation %s; model input mean %.3f, sd %.3f%n", taken,
                norm == null ? "AudioSet's" : norm, mean, Math.sqrt(squares / x.length - mean * mean));
        // where the signal is: the deviation of each mel bin over all frames of all these events
        int bins = spec.melBins();
        int rows = x.length / bins;
        StringBuilder perBin = new StringBuilder();
        for (int b = 0; b < bins; b += 8) {
            double s1 = 0;
            double s2 = 0;
            for (int t = 0; t < rows; t++) {
                double v = x[t * bins + b];
                s1 += v;
                s2 += v * v;
            }
            double m = s1 / rows;
            perBin.append(String.format(Locale.ROOT, " %d:%.3f", b, Math.sqrt(s2 / rows - m * m)));
        }
        System.out.println("model input sd per mel bin (every 8th):" + perBin);
        AstConfig model = AstConfig.preset("tiny", 16, spec.targetFrames()).withDepth(4);
        TrainConfig config = new TrainConfig("sprsound", null, args[0], model, 4.0, "ce", epochs, 16, 2e-4, 1e-6, 0.05,
                0, 0.06, 1.0, 1.0, false, 0, 1, 1, "none", "step-cosine", 10, "adamw", List.of())
                .withNormalisation(norm);
        TrainingRun run = new TrainingRun(config, assembler, new TrainingRun.Data(subset, subset, subset),
                Path.of(args[5]), new TrainingListener() {
                    @Override
                    public void onEpoch(EpochRecord r) {
                        System.out.printf(Locale.ROOT, "epoch %3d  loss %.4f  on the same events: %s%n", r.epoch(),
                                r.trainLoss(), r.validation().summary());
                    }
                });
        if (encoder != null) {
            run.initialEncoder(encoder.resolve(PretrainingRun.ENCODER_PARAMS), false);
        }
        run.run(false, Map.of());
    }
}
