package io.stethostream.training.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.ClassCounts;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.eval.EpochRecord;
import io.stethostream.training.eval.IcbhiScores;
import io.stethostream.training.eval.RunReport;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.model.MixPlan;
import io.stethostream.training.pretrain.PretrainedEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One training run: epochs of shuffled batches (the last partial batch dropped), the configured method's loss, Adam
 * with L2 (or AdamW) and post-step averaging, a cosine learning rate per epoch (or per step, with a warm-up),
 * evaluation on the validation and test cycles after every epoch (of the weights' moving average with {@code --ema}),
 * checkpoints, and the final report with both protocols.
 *
 * <p>Reproducibility: weights are initialised from the run's seed, and every random choice of an epoch (order,
 * waveform augmentation, SpecAugment, mixing) comes from a generator seeded by (seed, epoch), and a per-step learning
 * rate depends only on the epoch and step; so a run resumed from the checkpoint of epoch k continues exactly as the
 * uninterrupted run would.
 */
public final class TrainingRun {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingRun.class);

    /** The cycles of a run: training (after the validation hold-out), validation (may be empty) and test. */
    public record Data(List<LabelledCycle> train, List<LabelledCycle> validation, List<LabelledCycle> test) {
    }

    private final TrainConfig config;
    private final Data data;
    private final Path out;
    private final TrainingListener listener;
    private final BatchAssembler assembler;
    private final WaveformAugment waveform;
    private Path initialWeights;
    private boolean encoderOnly;
    private boolean encoderHasDelta;

    public TrainingRun(TrainConfig config, BatchAssembler assembler, Data data, Path out, TrainingListener listener) {
        this.config = config;
        this.assembler = assembler;
        this.data = data;
        this.out = out;
        this.listener = listener;
        if (data.train().size() < config.batchSize()) {
            throw new IllegalArgumentException("only " + data.train().size() + " training cycles for batch size "
                    + config.batchSize());
        }
        if (config.schedule().equals("step-cosine")) {
            config.stepSchedule(stepsPerEpoch()); // refuses a warm-up as long as the run
        }
        this.waveform = config.waveformAugment(assembler.spec().sampleRate());
    }

    /**
     * Starts from these weights (a {@code .params} file of a model with the same configuration) instead of a random
     * initialisation: fine-tuning. A resumed run's checkpoint still wins.
     */
    public TrainingRun initialWeights(Path params) {
        this.initialWeights = params;
        this.encoderOnly = false;
        return this;
    }

    /**
     * Starts the encoder from a pretraining run's weights (a {@code .params} file of a model with the same
     * architecture, or the same without the frame-difference channels when {@code encoderHasDelta} is false: see
     * {@link PretrainedEncoder}); the classification head and the projector start fresh. A resumed run's checkpoint
     * still wins.
     */
    public TrainingRun initialEncoder(Path params, boolean encoderHasDelta) {
        this.initialWeights = params;
        this.encoderOnly = true;
        this.encoderHasDelta = encoderHasDelta;
        return this;
    }

    /** Trains (from the newest checkpoint when {@code resume}), writes the report, returns it. */
    public RunReport run(boolean resume, Map<String, Object> runInfo) throws IOException {
        Files.createDirectories(out);
        Engine.getInstance().setRandomSeed((int) config.seed());
        Device device = TorchSetup.device();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AstModel model = new AstModel(config.model());
            model.initialize(manager, DataType.FLOAT32, model.inputShape(config.batchSize()));
            if (initialWeights != null) {
                try {
                    if (encoderOnly) {
                        PretrainedEncoder.load(model, manager, initialWeights, encoderHasDelta);
                    } else {
                        Checkpoints.loadParams(model, manager, initialWeights);
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot start from " + initialWeights + ": " + e.getMessage(),
                            e);
                }
                listener.onMessage((encoderOnly ? "encoder initialised from " : "initialised from ")
                        + initialWeights);
            }
            Checkpoints.enableGradients(model);
            AdamL2 optimizer = new AdamL2(model.getParameters(), manager, config.weightDecay(), config.averaging(),
                    config.decoupledWeightDecay(), config.clipGradNorm());
            Checkpoints checkpoints = new Checkpoints(out);
            // with --ema, the average is what is evaluated, selected and saved; the trained weights go on training
            WeightAverage average = config.ema() > 0 ? new WeightAverage(model, manager, config.ema()) : null;
            AstModel served = average == null ? model : average.model();
            List<EpochRecord> history = new ArrayList<>();
            int start = 1;
            if (resume) {
                Optional<Path> latest = checkpoints.latest();
                if (latest.isPresent()) {
                    Checkpoints.Restored r = checkpoints.restore(latest.get(), model, optimizer, average, manager);
                    history.addAll(r.history());
                    start = r.epoch() + 1;
                    listener.onMessage("resumed from " + latest.get() + " (epoch " + r.epoch() + ")");
                } else {
                    listener.onMessage("no checkpoint in " + out + ": starting from epoch 1");
                }
            }
            // the CE terms' class weights for this method and --class-weights (null: unweighted)
            float[] classWeights = config.lossClassWeights(ClassCounts.of(data.train()));
            Evaluator evaluator = new Evaluator(assembler, Math.max(config.batchSize(), 16));
            for (int epoch = start; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double loss = trainEpoch(epoch, model, optimizer, average, manager, classWeights);
                double seconds = (System.nanoTime() - t0) / 1e9;
                int samples = (data.train().size() / config.batchSize()) * config.batchSize();
                IcbhiScores val = data.validation().isEmpty() ? null
                        : IcbhiScores.of(evaluator.evaluate(served, manager, data.validation()));
                IcbhiScores test = IcbhiScores.of(evaluator.evaluate(served, manager, data.test()));
                // the rate of the epoch's last step (the epoch's only rate with epoch-cosine)
                double lr = config.learningRateAt(epoch, stepsPerEpoch() - 1, stepsPerEpoch());
                EpochRecord record = new EpochRecord(epoch, loss, lr, seconds, samples / seconds, val, test);
                history.add(record);
                keepSelectedModels(served, history, record);
                checkpoints.save(epoch, model, optimizer, average, history);
                listener.onEpoch(record);
            }
            Checkpoints.writeParams(served, out.resolve("model-last.params"));
            return RunReport.of(history, runInfo);
        }
    }

    private double trainEpoch(int epoch, AstModel model, AdamL2 optimizer, WeightAverage average, NDManager manager,
                              float[] classWeights) {
        Random random = new Random(config.seed() * 1_000_003L + epoch);
        List<LabelledCycle> order = new ArrayList<>(data.train());
        java.util.Collections.shuffle(order, random);
        int b = config.batchSize();
        int steps = stepsPerEpoch();
        ParameterStore ps = new ParameterStore(manager, false);
        double lossSum = 0;
        int skipped = 0;
        double[] gradNorms = new double[steps];
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            List<LabelledCycle> batch = order.subList(s * b, (s + 1) * b);
            double lr = config.learningRateAt(epoch, s, steps);
            double loss;
            try (NDManager step = manager.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = loss(model, ps, step, batch, random, classWeights);
                    loss = l.getFloat();
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException("loss became " + loss + " at epoch " + epoch + ", step "
                                + (s + 1));
                    }
                    gc.backward(l);
                }
                String bad = optimizer.step(lr);
                if (bad != null) {
                    skipped++;
                    LOG.warn("epoch {} step {}: non-finite gradient in {}; step skipped ({} this epoch)", epoch, s + 1,
                            bad, skipped);
                    if (skipped > Math.max(3, steps / 100)) {
                        throw new IllegalStateException("non-finite gradients in " + skipped + " steps of epoch "
                                + epoch + " (last in " + bad + "): training diverged; lower the learning rate");
                    }
                } else if (average != null) {
                    average.update(optimizer.steps());
                }
                gradNorms[s] = optimizer.lastGradNorm();
            }
            lossSum += loss;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            listener.onStep(epoch, s + 1, steps, loss, lr, (s + 1) * b / elapsed);
        }
        listener.onMessage(gradientSummary(epoch, gradNorms));
        return lossSum / steps;
    }

    /**
     * The epoch's gradient norms in one line: a collapse to one answer shows as norms falling towards zero, an
     * unstable step as a spike; with {@code --clip-grad}, how many steps were scaled down.
     */
    private String gradientSummary(int epoch, double[] norms) {
        double[] sorted = Arrays.stream(norms).filter(Double::isFinite).sorted().toArray();
        if (sorted.length == 0) {
            return "epoch " + epoch + ": no gradient norms";
        }
        double limit = config.clipGradNorm();
        long clipped = limit > 0 ? Arrays.stream(sorted).filter(n -> n > limit).count() : 0;
        return String.format(Locale.ROOT, "epoch %d gradient norm: median %.3g, 90th percentile %.3g, "
                        + "max %.3g%s", epoch, sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.9)],
                sorted[sorted.length - 1], limit > 0 ? String.format(Locale.ROOT,
                        "; scaled down to %.3g in %d of %d steps", limit, clipped, sorted.length) : "");
    }

    /** Optimiser steps per epoch: the last partial batch is dropped, as the reference. */
    private int stepsPerEpoch() {
        return data.train().size() / config.batchSize();
    }

    /** The configured method's loss for one batch. */
    private NDArray loss(AstModel model, ParameterStore ps, NDManager step, List<LabelledCycle> batch, Random random,
                         float[] classWeights) {
        int b = batch.size();
        int frames = assembler.spec().targetFrames();
        int bins = assembler.spec().melBins();
        float[] inputs = assembler.batch(batch, waveform, config.specAugment(), random);
        int[] labels = BatchAssembler.labels(batch);
        Method method = config.methodEnum();
        InputMix.Result inputMix = switch (method) {
            case MIXUP -> InputMix.mixup(inputs, b, frames * bins, config.mixAlpha(), random);
            case CUTMIX -> InputMix.cutmix(inputs, b, frames, bins, config.mixAlpha(), random);
            default -> null;
        };
        NDArray x = step.create(inputs, new Shape(b, 1, frames, bins));
        switch (method) {
            case CE -> {
                return Losses.crossEntropy(model.logits(ps, x, model.features(ps, x, null, true), true), labels,
                        classWeights);
            }
            case MIXUP, CUTMIX -> {
                NDArray logits = model.logits(ps, x, model.features(ps, x, null, true), true);
                return Losses.mixedCrossEntropy(logits, labels, inputMix.partner(), inputMix.lambda(),
                        classWeights);
            }
            case PATCHMIX, TPATCH -> {
                MixPlan plan = method == Method.PATCHMIX ? Mixing.patchMix(model.config(), b, random)
                        : Mixing.timePatchMix(model.config(), b, random);
                NDArray logits = model.logits(ps, x, model.features(ps, x, plan, true), true);
                return Losses.mixedCrossEntropy(logits, labels, plan.partner(), plan.lambda(), classWeights);
            }
            case PATCHMIX_CL -> {
                MixPlan plan = Mixing.patchMix(model.config(), b, random);
                return Losses.patchMixClObjective(model, ps, x, labels, plan, config.tau(), config.alpha(),
                        classWeights);
            }
            default -> throw new IllegalStateException(method.toString());
        }
    }

    /** Keeps the weights of the epochs the two protocols would select, as they are found. */
    private void keepSelectedModels(AstModel model, List<EpochRecord> history, EpochRecord record)
            throws IOException {
        RunReport report = RunReport.of(history, Map.of());
        Integer honest = report.honestProtocol().epoch();
        if (honest != null && honest == record.epoch()) {
            Checkpoints.writeParams(model, out.resolve("model-best-val.params"));
        }
        Integer paper = report.paperProtocol().epoch();
        if (paper != null && paper == record.epoch()) {
            Checkpoints.writeParams(model, out.resolve("model-best-test.params"));
        }
    }
}
