package io.stethostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stethostream.ingest.AtomicFiles;
import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.TrainingUnits;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.eval.EpochRecord;
import io.stethostream.training.eval.Plots;
import io.stethostream.training.eval.RunReport;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.pretrain.PretrainedEncoder;
import io.stethostream.training.pretrain.PretrainingRun;
import io.stethostream.training.train.BatchAssembler;
import io.stethostream.training.train.TorchSetup;
import io.stethostream.training.train.TrainConfig;
import io.stethostream.training.train.TrainingListener;
import io.stethostream.training.train.TrainingRun;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stethostream train}: trains the AST with a chosen method on ICBHI, SPRSound or both, with a progress bar,
 * a per-epoch log, checkpoints, resume, and at the end metrics.json (paper and honest protocols) and PNG plots.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the Audio Spectrogram Transformer (defaults: the paper's hyper-parameters).",
                "Writes DIR/config.json, command.txt, train.log, checkpoints/, model-*.params, metrics.json, *.png."})
public final class TrainCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingData data;

    static final class Output {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New run folder.")
        Path out;

        @Option(names = "--resume", required = true, paramLabel = "DIR",
                description = "Continue the run in DIR from its newest checkpoint, with its config.json.")
        Path resume;
    }

    @ArgGroup(multiplicity = "1")
    Output output;

    @Option(names = "--preset", defaultValue = "tiny", description = "tiny (D=192), small (384), base (768; the "
            + "paper's). Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--depth", description = "Transformer blocks (preset: 12).")
    Integer depth;

    @Option(names = "--pool", defaultValue = "prefix", paramLabel = "prefix|mean",
            description = "What the classification head reads: prefix = the mean of the two prefix tokens (the "
                    + "spec's), mean = the mean of the patch tokens. The ONNX model's inputs and outputs are the same "
                    + "either way. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--stem", defaultValue = "0", paramLabel = "CHANNELS",
            description = "Convolutional stem before the patch embedding: a 3x3 convolution with this many channels "
                    + "and ReLU, so that the patches see rectified local differences (clicks such as crackles "
                    + "wherever they fall in a patch); 0 = none (the spec's). The ONNX model's inputs and outputs are "
                    + "the same either way. Default: ${DEFAULT-VALUE}.")
    int stem;

    @Option(names = "--delta", description = "Give the model two more input channels beside the log-mel: its "
            + "rectified rise and fall from one frame to the next (clicks such as crackles, wherever they fall in a "
            + "patch). Off = the spec's. An encoder pretrained without them can start such a model (their weights "
            + "start at zero). The ONNX model's inputs and outputs are the same either way.")
    boolean delta;

    @Option(names = "--stats", arity = "0..1", fallbackValue = "all", paramLabel = "all|change",
            description = "The head also reads statistics of the whole window per mel bin, batch-normalised, through a "
            + "linear map added to the logits (starting at zero): 'all' (or no value) the mean, standard deviation, "
            + "standard deviation of the frame-to-frame difference and largest rise; 'change' only the last two, "
            + "which do not move with the recording's level or a stethoscope's colouring. Off = the spec's. Not "
            + "with patchmix or tpatch. The ONNX model's inputs and outputs are the same either way.")
    String stats;

    @Option(names = "--stride", defaultValue = "10", description = "Patch stride: 10 (paper) or 16 (cheaper). "
            + "Default: ${DEFAULT-VALUE}.")
    int stride;

    @Option(names = "--window-seconds", defaultValue = "8", description = "Cycle length (8 as the paper).")
    double windowSeconds;

    @Option(names = "--method", defaultValue = "patchmix-cl",
            description = "ce, mixup, cutmix, patchmix, tpatch, patchmix-cl. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--epochs", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-5", description = "Initial learning rate (step-cosine: the peak, "
            + "reached at the end of the warm-up). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--min-lr", defaultValue = "5e-8", description = "Cosine floor. Default: ${DEFAULT-VALUE}.")
    double minLr;

    @Option(names = "--schedule", defaultValue = "epoch-cosine", paramLabel = "epoch-cosine|step-cosine",
            description = "Learning-rate schedule: epoch-cosine = the paper's, a cosine set once per epoch reaching "
                    + "--min-lr in the last epoch; step-cosine = set at every step, a linear warm-up of "
                    + "--warmup-steps steps to --lr then a cosine to --min-lr at the run's last step (epochs x steps "
                    + "per epoch). Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N",
            description = "Linear warm-up steps of --schedule step-cosine (refused with epoch-cosine). "
                    + "Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--optimizer", defaultValue = "adam-l2", paramLabel = "adam-l2|adamw",
            description = "adam-l2 = the paper's Adam with --weight-decay added to the gradient as L2; adamw = "
                    + "decoupled weight decay (AdamW). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "1e-6", description = "Weight decay: L2 (adam-l2) or "
            + "decoupled (adamw). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--averaging", defaultValue = "0.5",
            description = "Post-step weight averaging (0 = off). Default: ${DEFAULT-VALUE}.")
    double averaging;

    @Option(names = "--tau", defaultValue = "0.06", description = "Contrastive temperature.")
    double tau;

    @Option(names = "--alpha", defaultValue = "1.0", description = "Weight of the contrastive loss.")
    double alpha;

    @Option(names = "--mix-alpha", defaultValue = "1.0", description = "Beta(a, a) of Mixup and CutMix.")
    double mixAlpha;

    @Option(names = "--no-spec-augment", description = "Train without SpecAugment.")
    boolean noSpecAugment;

    @Option(names = "--clip-grad", defaultValue = "0", paramLabel = "NORM",
            description = "Scale the gradient down to this global L2 norm when it is larger (torch's "
                    + "clip_grad_norm_); 0 (default, the paper's): never. Each epoch's gradient norms are logged.")
    double clipGrad;

    @Option(names = "--augment", defaultValue = "none", split = ",", paramLabel = "LIST",
            description = "Waveform augmentations of training cycles, comma-separated, before the front end (never at "
                    + "evaluation): band = unchanged, through 8 kHz or through 4 kHz sampling (a third each), as 8 "
                    + "and 4 kHz stethoscopes; gain = uniform in [-6, +6] dB; noise = white noise at an SNR uniform "
                    + "in [15, 40] dB; shift = circular time shift of the fitted window by up to its length. "
                    + "none = the paper's. Default: ${DEFAULT-VALUE}.")
    List<String> augment;

    @Option(names = "--fit", defaultValue = "tile", paramLabel = "tile|crossfade",
            description = "How cycles shorter than the window are repeated to fill it: tile = copies joined end to "
                    + "start (the paper's; every join is a click), crossfade = copies overlapped by 25 ms with an "
                    + "equal-power crossfade (no click). Used at evaluation too; serving never repeats audio. "
                    + "Default: ${DEFAULT-VALUE}.")
    String fit;

    @Option(names = "--ema", defaultValue = "0", paramLabel = "DECAY",
            description = "Evaluate, select and save an exponential moving average of the weights, with this decay "
                    + "per step (0.998: about the last 500 steps), instead of the weights as trained; steadier "
                    + "epoch to epoch. 0 = off (the paper's). Default: ${DEFAULT-VALUE}.")
    double ema;

    @Option(names = "--validation-fraction", defaultValue = "0.2",
            description = "Share of training cycles (whole patients) held out to select the epoch honestly.")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (0 = all cores).")
    int threads;

    @Option(names = "--class-weights", defaultValue = "default", paramLabel = "default|inverse|sqrt|none",
            description = "Which cross-entropy terms are weighted by inverse class frequency: default = the spec's "
                    + "(the ce baseline weighted; mixup, cutmix, patchmix, tpatch and patchmix-cl unweighted), "
                    + "inverse = every method's, sqrt = every method's with weights proportional to 1/sqrt(class "
                    + "count) (gentler on a rare class), none = no method's. Default: ${DEFAULT-VALUE}.")
    String classWeights;

    @Option(names = "--norm", paramLabel = NormChoice.DESCRIPTION, description = {"What the log-mel is "
            + "normalised with: audioset (the reference's statistics), dataset (the mean and deviation of the "
            + "training split's log-mel, or a pretrained encoder's own when --init-from names one that was "
            + "pretrained with --norm dataset) or two numbers (the statistics of weights being fine-tuned). Kept in "
            + "the run and in the exported model. Default: a pretrained encoder's, else audioset."})
    String norm;

    @Option(names = "--init-from", paramLabel = "FILE|DIR", description = "Fine-tune: start from these weights (a "
            + ".params file, a training run folder's model-best-val.params, or a pretraining run folder's encoder, "
            + "whose head and projector start fresh) instead of a random initialisation. The model options must "
            + "describe the same architecture; a pretrained encoder that does not fit is refused with the mismatch.")
    Path initFrom;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean resume = output.resume != null;
        Path dir = resume ? output.resume : output.out;
        TrainConfig config = resume ? readConfig(dir) : newConfig();
        NormChoice normChoice = resume ? null : NormChoice.parse(norm); // refuses a bad value before loading data
        if (resume && data.units != null && data.units() != config.trainingUnits()) {
            throw new InvalidInputException("--units " + data.units + ": the run in " + dir + " trains on "
                    + config.units());
        }
        data.defaults(config.dataset(), config.icbhiRoot(), config.sprsoundRoot(), config.units());
        if (!resume && Files.exists(dir.resolve("config.json"))) {
            throw new InvalidInputException(dir + " already holds a run; use --resume " + dir + " or a new --out");
        }
        out.println("device: " + TorchSetup.configure(config.threads()));
        FeatureSpec featureSpec = config.featureSpec(); // the normalisation never changes what is loaded
        CycleLoader.Splits splits = data.load(featureSpec, err);
        ValidationSplit.Carved carved = ValidationSplit.carve(splits.train(), config.validationFraction(),
                config.seed());
        PretrainingRun.EncoderInfo encoder = encoderInfo(); // null unless --init-from names a pretraining run
        if (!resume) {
            config = config.withNormalisation(normalisation(normChoice, config, featureSpec, carved.train(), encoder,
                    out));
            featureSpec = config.featureSpec();
        }
        out.printf(Locale.ROOT, "data: %s, %d train / %d validation (patient-disjoint) / %d test %s%s%n",
                config.dataset(), carved.train().size(), carved.validation().size(), splits.test().size(),
                config.trainingUnits() == TrainingUnits.WINDOWS ? "windows" : "cycles",
                splits.skipped().isEmpty() ? "" : ", skipped " + splits.skippedCycles());
        out.printf(Locale.ROOT, "model: %s D=%d depth=%d heads=%d stride=%d%s, %d patches; method %s, %d epochs%n",
                config.model().preset(), config.model().dim(), config.model().depth(), config.model().heads(),
                config.model().stride(), options(config.model()),
                config.model().patches(), config.method(), config.epochs());
        String recipe = recipe(config);
        if (recipe != null) {
            out.println(recipe);
        }
        out.flush();
        InitialWeights init = initialWeights(config, featureSpec, encoder); // a refused one leaves no run folder
        Files.createDirectories(dir);
        if (!resume) {
            AtomicFiles.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config));
            AtomicFiles.writeString(dir.resolve("feature-spec.json"), featureSpec.toJson());
        }
        Files.writeString(dir.resolve("command.txt"), Instant.now() + "  " + commandLine() + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("command", commandLine());
        info.put("config", config);
        info.put("featureSpec", featureSpec);
        if (init != null) {
            info.put("initFrom", init.params().toString());
        }
        info.put("cycles", Map.of("train", carved.train().size(), "validation", carved.validation().size(),
                "test", splits.test().size()));
        RunReport report;
        try (Progress progress = new Progress(err, out, dir.resolve("train.log"))) {
            TrainingRun run = new TrainingRun(config, new BatchAssembler(featureSpec).withFit(config.cycleFit()),
                    new TrainingRun.Data(carved.train(), carved.validation(), splits.test()), dir, progress);
            if (init != null && init.encoder() != null) {
                run.initialEncoder(init.params(), init.encoder().model().delta());
            } else if (init != null) {
                run.initialWeights(init.params());
            }
            report = run.run(resume, info);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        report.writeJson(dir.resolve("metrics.json"));
        Plots.learningCurves(report.epochs(), dir.resolve("learning-curves.png"));
        writeConfusion(report.honestProtocol(), "honest protocol (validation-selected epoch)",
                dir.resolve("confusion-honest.png"));
        writeConfusion(report.paperProtocol(), "paper protocol (best test epoch, Se > 5%)",
                dir.resolve("confusion-paper.png"));
        out.println(report.summary());
        out.println("wrote " + dir.resolve("metrics.json") + ", learning-curves.png, confusion-*.png");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The statistics a new run normalises with (null: AudioSet's): --norm's, where --norm dataset with a pretrained
     * encoder that was itself normalised by its audio takes the encoder's (what its weights expect); without --norm,
     * a pretrained encoder's, else AudioSet's.
     */
    private InputNormalisation normalisation(NormChoice choice, TrainConfig config, FeatureSpec spec,
                                             List<LabelledCycle> train, PretrainingRun.EncoderInfo info,
                                             PrintWriter out) {
        // the encoder's statistics when they are its own (not AudioSet's, which spec still holds here)
        InputNormalisation encoder = info == null || info.featureSpec() == null ? null
                : InputNormalisation.of(info.featureSpec());
        if (InputNormalisation.of(spec).equals(encoder)) {
            encoder = null;
        }
        InputNormalisation chosen;
        String why;
        if (choice.given() != null) {
            chosen = choice.given();
            why = "given";
        } else if (encoder != null && (norm == null || choice.measure())) {
            chosen = encoder;
            why = "the pretrained encoder's";
        } else if (choice.measure()) {
            chosen = InputNormalisation.measure(spec, train.stream().map(LabelledCycle::samples).toList(),
                    config.cycleFit());
            why = "measured on the training split";
        } else {
            chosen = null;
            why = "AudioSet's";
        }
        out.println("normalisation: " + (chosen == null ? InputNormalisation.of(spec) : chosen) + " (" + why + ")");
        return chosen;
    }

    /**
     * --init-from as a .params file: a pretraining run's folder means its encoder, a training run's folder its
     * validation-selected weights; with the pretraining run's description when it is one.
     */
    private InitialWeights initialWeights(TrainConfig config, FeatureSpec featureSpec,
                                          PretrainingRun.EncoderInfo encoder) {
        if (initFrom == null) {
            return null;
        }
        boolean pretrainedEncoder = encoder != null;
        if (pretrainedEncoder) {
            try {
                PretrainedEncoder.checkFits(encoder, config.model(), featureSpec);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--init-from " + initFrom + ": " + e.getMessage(), e);
            }
        }
        Path p = pretrainedEncoder ? initFrom.resolve(PretrainingRun.ENCODER_PARAMS)
                : Files.isDirectory(initFrom) ? initFrom.resolve("model-best-val.params") : initFrom;
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("--init-from: no weights at " + p);
        }
        return new InitialWeights(p, encoder);
    }

    /** The description of the pretraining run --init-from names, read once; null when it names none. */
    private PretrainingRun.EncoderInfo encoderInfo() throws IOException {
        return initFrom != null && PretrainedEncoder.isPretrainingRun(initFrom) ? PretrainingRun.readInfo(initFrom)
                : null;
    }

    /** The weights --init-from names, and the pretraining run's description when they are an encoder (else null). */
    private record InitialWeights(Path params, PretrainingRun.EncoderInfo encoder) {
    }

    private static void writeConfusion(RunReport.Selection selection, String title, Path png) throws IOException {
        if (selection.selected() && selection.test() != null) {
            Plots.confusionMatrix(selection.test().confusion(), "Test, " + title + ", epoch " + selection.epoch(),
                    png);
        }
    }

    /** The model's options beyond the preset, as the header line names them. */
    private static String options(AstConfig m) {
        return (m.stem() > 0 ? " stem=" + m.stem() : "") + (m.delta() ? " delta" : "")
                + (m.stats() ? " stats=" + (m.statsChangeOnly() ? "change" : "all") : "");
    }

    /** --stats' value: false for 'all', true for 'change', anything else refused by name. */
    private boolean statsChangeOnly() {
        if (stats == null || stats.equals("all")) {
            return false;
        }
        if (stats.equals("change")) {
            return true;
        }
        throw new InvalidInputException("--stats takes 'all' or 'change', got '" + stats + "'");
    }

    private TrainConfig newConfig() {
        try {
            AstConfig model = AstConfig.preset(preset, stride,
                    FeatureSpec.PATCH_MIX.withWindowSeconds(windowSeconds).targetFrames());
            if (depth != null) {
                model = model.withDepth(depth);
            }
            model = model.withPool(pool).withStem(stem).withDelta(delta).withStats(stats != null, statsChangeOnly());
            return new TrainConfig(data.choice().label(), pathOrNull(data.icbhi()), pathOrNull(data.sprsound()),
                    model, windowSeconds, method, epochs, batchSize, lr, minLr, weightDecay, averaging, tau, alpha,
                    mixAlpha, !noSpecAugment, validationFraction, seed, threads, classWeights, schedule, warmupSteps,
                    optimizer, augmentations()).withFit(fit).withEma(ema).withUnits(data.units().label())
                    .withClipGradNorm(clipGrad);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** The fine-tuning recipe's settings as one line, or null when they are all the paper's. */
    static String recipe(TrainConfig c) {
        boolean paper = c.schedule().equals("epoch-cosine") && c.optimizer().equals("adam-l2")
                && c.augment().isEmpty() && !c.classWeights().equals("sqrt") && c.cycleFit() == CycleFit.TILE
                && c.ema() == 0 && c.clipGradNorm() == 0;
        if (paper) {
            return null;
        }
        return String.format(Locale.ROOT, "recipe: schedule %s%s, optimizer %s (weight decay %s), class weights %s, "
                        + "waveform augmentation %s, short cycles repeated by %s%s%s", c.schedule(),
                c.warmupSteps() > 0 ? " with " + c.warmupSteps() + " warm-up steps" : "", c.optimizer(),
                c.weightDecay(), c.classWeights(), c.augment().isEmpty() ? "none" : String.join(",", c.augment()),
                c.fit(), c.ema() > 0 ? ", weights averaged with decay " + c.ema() : "",
                c.clipGradNorm() > 0 ? ", gradient norm limited to " + c.clipGradNorm() : "");
    }

    /** --augment without "none" (alone or beside others: nothing added by it). */
    private List<String> augmentations() {
        return augment == null ? List.of() : augment.stream().map(String::strip).filter(a -> !a.equals("none"))
                .toList();
    }

    private static String pathOrNull(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    static TrainConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.exists(file)) {
            throw new InvalidInputException("no training run in " + dir + " (config.json missing)");
        }
        try {
            return JSON.readValue(file.toFile(), TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    private String commandLine() {
        return "stethostream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** Progress bar per epoch on stderr, one log line per epoch on stdout and in train.log. */
    private static final class Progress implements TrainingListener, AutoCloseable {
        private final PrintWriter err;
        private final PrintWriter out;
        private final Path log;
        private ProgressBar bar;

        Progress(PrintWriter err, PrintWriter out, Path log) {
            this.err = err;
            this.out = out;
            this.log = log;
        }

        @Override
        public void onStep(int epoch, int step, int steps, double loss, double lr, double samplesPerSecond) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(steps)
                        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ProgressReporter.WriterConsumer(err, 130))
                        .setUpdateIntervalMillis(500).build();
            }
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, "step %d loss %.4f lr %.2e %.1f samples/s", step, loss,
                    lr, samplesPerSecond));
        }

        @Override
        public void onEpoch(EpochRecord r) {
            close();
            String line = String.format(Locale.ROOT, "epoch %3d  loss %.4f  lr %.2e  %.0f s  %.1f samples/s  "
                            + "val %s  test %s", r.epoch(), r.trainLoss(), r.learningRate(), r.seconds(),
                    r.samplesPerSecond(), r.validation() == null ? "-" : r.validation().summary(),
                    r.test().summary());
            out.println(line);
            out.flush();
            appendLog(line);
        }

        @Override
        public void onMessage(String message) {
            out.println(message);
            out.flush();
            appendLog(message);
        }

        private void appendLog(String line) {
            try {
                Files.writeString(log, line + System.lineSeparator(), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                err.println("warning: cannot write " + log + ": " + e.getMessage());
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
