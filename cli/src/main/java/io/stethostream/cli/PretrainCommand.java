package io.stethostream.cli;

import io.stethostream.ingest.AtomicFiles;
import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.pretrain.PretrainConfig;
import io.stethostream.training.pretrain.PretrainingRun;
import io.stethostream.training.pretrain.UnlabeledAudio;
import io.stethostream.training.train.TorchSetup;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code stethostream pretrain}: self-supervised masked-patch pretraining of the AST encoder on unlabeled recordings,
 * with a progress bar, checkpoints and exact resume, a loss curve and a reconstruction figure; its folder is what
 * {@code train --init-from} takes.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrain the AST encoder on unlabeled recordings (masked spectrogram patch modelling).",
                "Writes DIR/pretrain-config.json, pretrain.log, checkpoints/, encoder.params, encoder.json, "
                        + "loss-curve.png, reconstructions.png; train --init-from DIR starts from the encoder."})
public final class PretrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Output {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New run folder.")
        Path out;

        @Option(names = "--resume", required = true, paramLabel = "DIR",
                description = "Continue the run in DIR from its newest checkpoint, with its settings.")
        Path resume;
    }

    @ArgGroup(multiplicity = "1")
    Output output;

    @Option(names = "--audio", paramLabel = "DIR", arity = "1..*",
            description = "Folders of unlabeled WAV/FLAC recordings (searched recursively).")
    List<Path> audio = new ArrayList<>();

    /** --dataset / --root as train takes them; here they add the dataset's training recordings, never a test split. */
    @Mixin
    TrainingData data;

    @Option(names = "--preset", defaultValue = "tiny", description = "tiny (D=192), small, base. Default: "
            + "${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--depth", description = "Encoder blocks (preset: 12).")
    Integer depth;

    @Option(names = "--stride", defaultValue = "16", description = "Patch stride. Default: ${DEFAULT-VALUE}.")
    int stride;

    @Option(names = "--stem", defaultValue = "0", paramLabel = "CHANNELS", description = "Convolutional stem before "
            + "the patch embedding: a 3x3 convolution with this many channels and ReLU (0 = none). train "
            + "--init-from needs the same. Default: ${DEFAULT-VALUE}.")
    int stem;

    @Option(names = "--delta", description = "Two more input channels beside the log-mel: its rectified rise and "
            + "fall from one frame to the next (reconstruction targets stay the log-mel). train --init-from needs "
            + "--delta too.")
    boolean delta;

    @Option(names = "--window-seconds", defaultValue = "8", description = "Crop length. Default: ${DEFAULT-VALUE}.")
    double windowSeconds;

    @Option(names = "--mask-ratio", defaultValue = "0.75", description = "Default: ${DEFAULT-VALUE}.")
    double maskRatio;

    @Option(names = "--decoder-width", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
    int decoderWidth;

    @Option(names = "--decoder-depth", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
    int decoderDepth;

    @Option(names = "--decoder-heads", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
    int decoderHeads;

    @Option(names = "--steps", defaultValue = "3000", description = "Optimiser steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak learning rate (AdamW). Default: "
            + "${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--min-lr", defaultValue = "1e-6", description = "Learning rate at the last step. Default: "
            + "${DEFAULT-VALUE}.")
    double minLr;

    @Option(names = "--warmup-steps", description = "Linear warm-up steps (default: 5%% of --steps).")
    Integer warmupSteps;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "AdamW. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--target-variance-floor", defaultValue = "1e-2", description = "Added to each patch's "
            + "variance before its target is normalised. Default: ${DEFAULT-VALUE}.")
    double varianceFloor;

    @Option(names = "--norm", defaultValue = "audioset", paramLabel = NormChoice.DESCRIPTION, description = {
            "What the log-mel is normalised with: audioset (the reference's statistics), dataset (the mean and "
                    + "deviation of this run's audio, measured on up to 2000 recordings; stethoscope audio sits far "
                    + "below AudioSet's level) or two numbers. train --init-from uses the encoder's. Default: "
                    + "${DEFAULT-VALUE}."})
    String norm;

    @Option(names = "--checkpoint-every", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (0 = all cores).")
    int threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean resume = output.resume != null;
        Path dir = resume ? output.resume : output.out;
        if (!resume && Files.exists(dir.resolve("pretrain-config.json"))) {
            throw new InvalidInputException(dir + " already holds a pretraining run; use --resume " + dir
                    + " or a new --out");
        }
        PretrainConfig config = resume ? readConfig(dir) : newConfig();
        NormChoice normChoice = resume ? null : NormChoice.parse(norm); // a resumed run keeps its statistics
        if (normChoice != null) {
            config = config.withNormalisation(normChoice.given());
        }
        boolean measure = normChoice != null && normChoice.measure();
        FeatureSpec featureSpec = config.featureSpec();
        List<Path> files = resume ? filesOf(config.sources()) : filesOf(sources());
        out.println("device: " + TorchSetup.configure(config.threads()));
        UnlabeledAudio.Loaded loaded;
        try (ProgressReporter progress = new ProgressReporter(err, "Decoding " + files.size() + " recordings")) {
            loaded = UnlabeledAudio.load(files, featureSpec, progress);
        }
        for (UnlabeledAudio.Skipped s : loaded.skipped()) {
            err.println("warning: skipped " + s.file() + ": " + s.reason());
        }
        if (loaded.recordings().isEmpty()) {
            throw new InvalidInputException("none of the " + files.size() + " audio files could be read");
        }
        out.printf(Locale.ROOT, "audio: %d recordings, %.2f h (%d files skipped as unreadable)%n",
                loaded.recordings().size(), loaded.seconds(featureSpec.sampleRate()) / 3600,
                loaded.skipped().size());
        if (measure) {
            // measured on the crops' source audio; the normalisation never changes what is decoded
            config = config.withNormalisation(InputNormalisation.measure(featureSpec,
                    loaded.recordings().stream().map(UnlabeledAudio.Recording::samples).toList(), CycleFit.TILE));
            featureSpec = config.featureSpec();
        }
        out.println("normalisation: " + (config.normalisation() == null ? "AudioSet's (mean "
                + featureSpec.normMean() + ", std " + featureSpec.normStd() + ")"
                : config.normalisation() + (measure ? ", measured on this audio" : "")));
        AstConfig m = config.model();
        out.printf(Locale.ROOT, "encoder: %s D=%d depth=%d heads=%d stride=%d%s, %d patches, %.0f%% masked; "
                        + "decoder width %d depth %d; %d steps of %d crops%n", m.preset(), m.dim(), m.depth(),
                m.heads(), m.stride(), (m.stem() > 0 ? " stem=" + m.stem() : "") + (m.delta() ? " delta" : ""),
                m.patches(),
                100 * config.maskRatio(), config.decoderWidth(),
                config.decoderDepth(), config.steps(), config.batchSize());
        out.flush();
        boolean created = !Files.exists(dir);
        Files.createDirectories(dir);
        List<PretrainingRun.StepLoss> history;
        try (Progress progress = new Progress(err, out, dir.resolve("pretrain.log"), config.checkpointEvery())) {
            if (!resume) {
                AtomicFiles.write(dir.resolve("pretrain-config.json"), TrainCommand.JSON.writeValueAsBytes(config));
                AtomicFiles.writeString(dir.resolve("feature-spec.json"), featureSpec.toJson());
            }
            Files.writeString(dir.resolve("command.txt"), Instant.now() + "  " + commandLine()
                    + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            progress.onMessage(String.format(Locale.ROOT, "%d recordings (%.2f h), %d skipped",
                    loaded.recordings().size(), loaded.seconds(featureSpec.sampleRate()) / 3600,
                    loaded.skipped().size()));
            history = new PretrainingRun(config, featureSpec, loaded.recordings(), dir, progress).run(resume);
        } catch (IOException | RuntimeException e) {
            if (created && !resume && !Files.isDirectory(dir.resolve("checkpoints"))) {
                AtomicFiles.deleteTree(dir); // nothing worth keeping: leave no half-made run behind
            }
            if (e instanceof IllegalArgumentException) {
                throw new InvalidInputException(e.getMessage(), e);
            }
            throw e;
        }
        double last = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
        int n = Math.min(history.size(), 50);
        double recent = history.subList(history.size() - n, history.size()).stream()
                .mapToDouble(PretrainingRun.StepLoss::loss).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "done: %d steps, last loss %.4f (mean of the last %d: %.4f); %d recordings used, "
                        + "%d files skipped%n", history.size(), last, n, recent, loaded.recordings().size(),
                loaded.skipped().size());
        out.println("wrote " + dir.resolve(PretrainingRun.ENCODER_PARAMS) + ", " + PretrainingRun.ENCODER_INFO
                + ", loss-curve.png, reconstructions.png; fine-tune with: train --init-from " + dir);
        out.flush();
        return ExitCodes.OK;
    }

    /** The sources named on the command line, as recorded in the config: "audio:DIR", "icbhi-train:DIR", ... */
    private List<String> sources() {
        List<String> s = new ArrayList<>();
        for (Path p : audio) {
            s.add("audio:" + p.toAbsolutePath().normalize());
        }
        if (data.dataset != null) {
            if (data.icbhi() != null) {
                s.add("icbhi-train:" + data.icbhi().toAbsolutePath().normalize());
            }
            if (data.sprsound() != null) {
                s.add("sprsound-train:" + data.sprsound().toAbsolutePath().normalize());
            }
        }
        if (s.isEmpty()) {
            throw new InvalidInputException("nothing to pretrain on: give --audio DIR and/or --dataset");
        }
        return s;
    }

    /** The audio files of the recorded sources; a missing or empty folder is the user's error. */
    private static List<Path> filesOf(List<String> sources) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String source : sources) {
            int colon = source.indexOf(':');
            String kind = source.substring(0, colon);
            Path dir = Path.of(source.substring(colon + 1));
            try {
                if (kind.equals("audio")) {
                    files.addAll(UnlabeledAudio.audioFilesIn(dir));
                } else {
                    if (!Files.isDirectory(dir)) {
                        throw new IllegalArgumentException("dataset folder does not exist: " + dir);
                    }
                    List<Path> found = kind.equals("icbhi-train") ? UnlabeledAudio.icbhiTrainFiles(dir)
                            : UnlabeledAudio.sprsoundTrainFiles(dir);
                    if (found.isEmpty()) {
                        throw new IllegalArgumentException("no training recordings with audio in " + dir);
                    }
                    files.addAll(found);
                }
            } catch (IllegalArgumentException | io.stethostream.ingest.dataset.DatasetFormatException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
        }
        return files;
    }

    private PretrainConfig newConfig() {
        try {
            AstConfig model = AstConfig.preset(preset, stride,
                    FeatureSpec.PATCH_MIX.withWindowSeconds(windowSeconds).targetFrames());
            if (depth != null) {
                model = model.withDepth(depth);
            }
            model = model.withStem(stem).withDelta(delta);
            int warmup = warmupSteps != null ? warmupSteps : steps / 20;
            return new PretrainConfig(model, windowSeconds, maskRatio, decoderWidth, decoderDepth, decoderHeads,
                    steps, batchSize, lr, minLr, warmup, weightDecay, varianceFloor, seed, threads, checkpointEvery,
                    sources());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    static PretrainConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve("pretrain-config.json");
        if (!Files.exists(file)) {
            throw new InvalidInputException("no pretraining run in " + dir + " (pretrain-config.json missing)");
        }
        try {
            return TrainCommand.JSON.readValue(file.toFile(), PretrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    private String commandLine() {
        return "stethostream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** A progress bar over all steps on stderr; a log line per checkpoint interval in pretrain.log. */
    private static final class Progress implements PretrainingRun.Listener, AutoCloseable {
        private final PrintWriter err;
        private final PrintWriter out;
        private final Path log;
        private final int every;
        private ProgressBar bar;
        private double sum;
        private int count;

        Progress(PrintWriter err, PrintWriter out, Path log, int every) {
            this.err = err;
            this.out = out;
            this.log = log;
            this.every = every;
        }

        @Override
        public void onStep(int step, int steps, double loss, double lr, double samplesPerSecond) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("pretrain").setInitialMax(steps).startsFrom(step - 1,
                                Duration.ZERO).setStyle(ProgressBarStyle.ASCII).showSpeed()
                        .setConsumer(new ProgressReporter.WriterConsumer(err, 140)).setUpdateIntervalMillis(500)
                        .build();
            }
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, "step %d loss %.4f lr %.2e %.1f crops/s", step, loss, lr,
                    samplesPerSecond));
            sum += loss;
            count++;
            if (step % every == 0 || step == steps) {
                String line = String.format(Locale.ROOT, "step %7d  loss %.4f (mean of %d)  lr %.2e  %.1f crops/s",
                        step, sum / count, count, lr, samplesPerSecond);
                sum = 0;
                count = 0;
                appendLog(line);
            }
        }

        @Override
        public void onMessage(String message) {
            appendLog(message);
        }

        private void appendLog(String line) {
            try {
                Files.writeString(log, Instant.now() + "  " + line + System.lineSeparator(),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
