package io.stethostream.training.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.ClassCounts;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.data.TrainingUnits;
import io.stethostream.training.model.AstConfig;

import java.util.HashSet;
import java.util.List;

/**
 * Everything a training run depends on; written to {@code config.json} and read back by {@code --resume} and
 * {@code evaluate}. Defaults are the paper's (spec section 6); the fine-tuning recipe's fields ({@code schedule},
 * {@code warmupSteps}, {@code optimizer}, {@code augment}, {@code classWeights}) read as the paper's settings when a
 * {@code config.json} written before them lacks them.
 *
 * @param dataset        icbhi, sprsound or both
 * @param icbhiRoot      ICBHI folder (null when not used)
 * @param sprsoundRoot   SPRSound folder (null when not used)
 * @param model          model size and grid
 * @param windowSeconds  cycle length in seconds (8 as the paper; shorter is cheaper)
 * @param method         training method
 * @param epochs         epochs
 * @param batchSize      batch size (the last partial batch is dropped)
 * @param learningRate   initial (epoch-cosine) or peak (step-cosine) learning rate, decaying to {@code minLearningRate}
 * @param weightDecay    weight decay: L2 added to the gradient (adam-l2) or decoupled (adamw)
 * @param averaging      post-step weight averaging (0.5: w = 0.5 before + 0.5 after)
 * @param tau            contrastive temperature
 * @param alpha          weight of the contrastive loss
 * @param mixAlpha       Beta(alpha, alpha) for Mixup and CutMix
 * @param specAugment    apply SpecAugment to training inputs
 * @param validationFraction fraction of training cycles (whole patients) held out for the honest protocol
 * @param seed           seed of everything random
 * @param threads        CPU threads for libtorch (0: all cores)
 * @param classWeights   which cross-entropy terms are class-weighted (inverse class frequency): {@code default} = the
 *                       spec's (the {@code ce} baseline weighted, the mixing methods and Patch-Mix CL's clean CE
 *                       unweighted), {@code inverse} = every method's CE terms weighted, {@code sqrt} = every
 *                       method's CE terms weighted by 1/sqrt(class frequency) (normalised as the inverse weights;
 *                       gentler on a rare class), {@code none} = none; a {@code config.json} written before the option
 *                       existed reads as {@code default}
 * @param schedule       {@code epoch-cosine} (paper; null reads as it): the rate set once per epoch, cosine down to the
 *                       minimum in the last epoch; {@code step-cosine}: set at every step by a
 *                       {@link LearningRateSchedule} over all the run's steps (epochs x steps per epoch)
 * @param warmupSteps    steps of linear warm-up of {@code step-cosine} (null reads as 0, the paper's none; must be 0
 *                       with {@code epoch-cosine})
 * @param optimizer      {@code adam-l2} (paper; null reads as it): Adam with L2 added to the gradient; {@code adamw}:
 *                       decoupled weight decay
 * @param augment        waveform augmentations of training cycles, a subset of {@link WaveformAugment#NAMES}
 *                       ({@code band}, {@code gain}, {@code noise}, {@code shift}); empty (paper; null reads as it):
 *                       none. Never applied at evaluation
 * @param fit            how cycles shorter than the window are repeated: {@code tile} (the reference's; the default
 *                       when absent) or {@code crossfade} ({@link CycleFit})
 * @param ema            decay per step of an exponential moving average of the weights that is evaluated, selected
 *                       and saved instead of the trained weights ({@link WeightAverage}); 0 (the paper's; the default
 *                       when absent): none
 * @param units          what an example is ({@link TrainingUnits}): {@code events} (the paper's; the default when
 *                       absent) or {@code windows}, the stream's windows labelled by the spans they overlap
 * @param normalisation  the log-mel mean and deviation the front end normalises with ({@link InputNormalisation},
 *                       measured on the training audio by {@code --norm dataset}); null (the paper's; the default when
 *                       absent): AudioSet's, as {@link FeatureSpec#PATCH_MIX}
 * @param clipGradNorm   the gradient's global L2 norm is scaled down to this when larger ({@link AdamL2}); 0 (the
 *                       paper's; the default when absent): never
 */
public record TrainConfig(
        @JsonProperty("dataset") String dataset,
        @JsonProperty("icbhiRoot") String icbhiRoot,
        @JsonProperty("sprsoundRoot") String sprsoundRoot,
        @JsonProperty("model") AstConfig model,
        @JsonProperty("windowSeconds") double windowSeconds,
        @JsonProperty("method") String method,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batchSize") int batchSize,
        @JsonProperty("learningRate") double learningRate,
        @JsonProperty("minLearningRate") double minLearningRate,
        @JsonProperty("weightDecay") double weightDecay,
        @JsonProperty("averaging") double averaging,
        @JsonProperty("tau") double tau,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("mixAlpha") double mixAlpha,
        @JsonProperty("specAugment") boolean specAugment,
        @JsonProperty("validationFraction") double validationFraction,
        @JsonProperty("seed") long seed,
        @JsonProperty("threads") int threads,
        @JsonProperty("classWeights") String classWeights,
        @JsonProperty("schedule") String schedule,
        @JsonProperty("warmupSteps") Integer warmupSteps,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("augment") List<String> augment,
        @JsonProperty("fit") String fit,
        @JsonProperty("ema") Double ema,
        @JsonProperty("units") String units,
        @JsonProperty("normalisation") InputNormalisation normalisation,
        @JsonProperty("clipGradNorm") Double clipGradNorm) {

    /** The values {@code classWeights} takes. */
    public static final List<String> CLASS_WEIGHTS = List.of("default", "inverse", "sqrt", "none");

    /** The values {@code schedule} takes; the first is the paper's. */
    public static final List<String> SCHEDULES = List.of("epoch-cosine", "step-cosine");

    /** The values {@code optimizer} takes; the first is the paper's. */
    public static final List<String> OPTIMIZERS = List.of("adam-l2", "adamw");

    @JsonCreator
    public TrainConfig {
        Method parsed = Method.parse(method);
        if (epochs < 1 || batchSize < 2) {
            throw new IllegalArgumentException("need epochs >= 1 and batch size >= 2");
        }
        if (!(learningRate > 0) || minLearningRate < 0 || minLearningRate > learningRate) {
            throw new IllegalArgumentException("need 0 <= min learning rate <= learning rate > 0");
        }
        if (averaging < 0 || averaging >= 1 || tau <= 0 || validationFraction < 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("averaging in [0,1), tau > 0, validation fraction in [0,1)");
        }
        if (classWeights == null) {
            classWeights = "default";
        }
        if (!CLASS_WEIGHTS.contains(classWeights)) {
            throw new IllegalArgumentException("class weights must be one of " + CLASS_WEIGHTS + ", got '"
                    + classWeights + "'");
        }
        schedule = schedule == null ? SCHEDULES.get(0) : schedule;
        if (!SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("schedule must be one of " + SCHEDULES + ", got '" + schedule + "'");
        }
        warmupSteps = warmupSteps == null ? 0 : warmupSteps;
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps (--warmup-steps) must be >= 0, got " + warmupSteps);
        }
        if (warmupSteps > 0 && !schedule.equals("step-cosine")) {
            throw new IllegalArgumentException("warm-up steps (--warmup-steps " + warmupSteps + ") need the "
                    + "step-cosine schedule (--schedule step-cosine); the schedule is " + schedule);
        }
        optimizer = optimizer == null ? OPTIMIZERS.get(0) : optimizer;
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be one of " + OPTIMIZERS + ", got '" + optimizer
                    + "'");
        }
        augment = augment == null ? List.of() : List.copyOf(augment);
        WaveformAugment.of(augment, 16_000); // validates the names
        if (new HashSet<>(augment).size() != augment.size()) {
            throw new IllegalArgumentException("augmentation listed twice: " + augment);
        }
        if (model != null && model.stats() && (parsed == Method.PATCHMIX || parsed == Method.TPATCH)) {
            throw new IllegalArgumentException("window statistics (--stats) describe the whole input and cannot follow "
                    + "a patch mix: method " + method + " scores patch-mixed samples; use ce, mixup, cutmix or "
                    + "patchmix-cl");
        }
        fit = fit == null ? CycleFit.TILE.label() : CycleFit.parse(fit).label();
        units = TrainingUnits.parse(units).label();
        clipGradNorm = clipGradNorm == null ? 0.0 : clipGradNorm;
        if (!(clipGradNorm >= 0) || clipGradNorm.isInfinite()) {
            throw new IllegalArgumentException("the gradient-norm limit (--clip-grad) must be 0 (off) or positive, "
                    + "got " + clipGradNorm);
        }
        ema = ema == null ? 0.0 : ema;
        if (!(ema >= 0 && ema < 1)) {
            throw new IllegalArgumentException("the weight average's decay (--ema) must be 0 (off) or in (0, 1), got "
                    + ema);
        }
    }

    /** The signature before {@code normalisation} existed: AudioSet's statistics. */
    public TrainConfig(String dataset, String icbhiRoot, String sprsoundRoot, AstConfig model, double windowSeconds,
                       String method, int epochs, int batchSize, double learningRate, double minLearningRate,
                       double weightDecay, double averaging, double tau, double alpha, double mixAlpha,
                       boolean specAugment, double validationFraction, long seed, int threads, String classWeights,
                       String schedule, Integer warmupSteps, String optimizer, List<String> augment, String fit,
                       Double ema, String units) {
        this(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize, learningRate,
                minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment, validationFraction, seed,
                threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema, units, null, null);
    }

    /** The fine-tuning recipe's signature before {@code fit} existed: short cycles tiled as the reference does. */
    public TrainConfig(String dataset, String icbhiRoot, String sprsoundRoot, AstConfig model, double windowSeconds,
                       String method, int epochs, int batchSize, double learningRate, double minLearningRate,
                       double weightDecay, double averaging, double tau, double alpha, double mixAlpha,
                       boolean specAugment, double validationFraction, long seed, int threads, String classWeights,
                       String schedule, Integer warmupSteps, String optimizer, List<String> augment) {
        this(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize, learningRate,
                minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment, validationFraction, seed,
                threads, classWeights, schedule, warmupSteps, optimizer, augment, null, null, null, null, null);
    }

    /**
     * The paper's recipe options ({@code epoch-cosine}, no warm-up, {@code adam-l2}, no waveform augmentation): the
     * signature before the fine-tuning recipe's fields existed.
     */
    public TrainConfig(String dataset, String icbhiRoot, String sprsoundRoot, AstConfig model, double windowSeconds,
                       String method, int epochs, int batchSize, double learningRate, double minLearningRate,
                       double weightDecay, double averaging, double tau, double alpha, double mixAlpha,
                       boolean specAugment, double validationFraction, long seed, int threads, String classWeights) {
        this(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize, learningRate,
                minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment, validationFraction, seed,
                threads, classWeights, null, null, null, null, null, null, null, null, null);
    }

    /** This configuration with the fine-tuning recipe's options (null: the paper's). */
    public TrainConfig withRecipe(String schedule, Integer warmupSteps, String optimizer, List<String> augment) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** This configuration with short cycles repeated as {@code fit} says ({@code tile} or {@code crossfade}). */
    public TrainConfig withFit(String fit) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** This configuration with a weight average of this decay per step evaluated and saved (0: none). */
    public TrainConfig withEma(double ema) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** This configuration with examples of these units ({@code events} or {@code windows}). */
    public TrainConfig withUnits(String units) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** This configuration normalising the log-mel with these statistics (null: AudioSet's). */
    public TrainConfig withNormalisation(InputNormalisation normalisation) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** This configuration with the gradient's global norm limited to this (0: not limited). */
    public TrainConfig withClipGradNorm(double clipGradNorm) {
        return new TrainConfig(dataset, icbhiRoot, sprsoundRoot, model, windowSeconds, method, epochs, batchSize,
                learningRate, minLearningRate, weightDecay, averaging, tau, alpha, mixAlpha, specAugment,
                validationFraction, seed, threads, classWeights, schedule, warmupSteps, optimizer, augment, fit, ema,
                units, normalisation, clipGradNorm);
    }

    /** The run's front end: the reference's at the run's window length, with the run's normalisation. */
    public FeatureSpec featureSpec() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(windowSeconds);
        return normalisation == null ? spec : normalisation.applyTo(spec);
    }

    /** What one example of the run is. */
    public TrainingUnits trainingUnits() {
        return TrainingUnits.parse(units);
    }

    /** How the run repeats cycles shorter than the window. */
    public CycleFit cycleFit() {
        return CycleFit.parse(fit);
    }

    /** The run's waveform augmentations for audio at {@code sampleRate} (none unless {@code augment} names some). */
    public WaveformAugment waveformAugment(int sampleRate) {
        return WaveformAugment.of(augment, sampleRate);
    }

    /** True for AdamW (decoupled weight decay), false for the paper's Adam with L2. */
    public boolean decoupledWeightDecay() {
        return optimizer.equals("adamw");
    }

    /**
     * The class weights this run's cross-entropy terms use, or null for unweighted.
     *
     * @param counts the training set's class counts
     */
    public float[] lossClassWeights(ClassCounts counts) {
        return switch (classWeights) {
            case "inverse" -> counts.inverseFrequencyWeightsAsFloats();
            case "sqrt" -> counts.inverseSqrtFrequencyWeightsAsFloats();
            case "none" -> null;
            default -> methodEnum() == Method.CE ? counts.inverseFrequencyWeightsAsFloats() : null;
        };
    }

    public Method methodEnum() {
        return Method.parse(method);
    }

    /**
     * Learning rate of epoch {@code epoch} (1-based, as the reference counts): cosine from the initial rate, set once per
     * epoch, reaching the minimum in the last epoch.
     */
    public double learningRateAt(int epoch) {
        return minLearningRate + (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
    }

    /**
     * Learning rate of step {@code step} (0-based) of epoch {@code epoch} (1-based) with {@code stepsPerEpoch} steps
     * per epoch: {@link #learningRateAt(int)} for {@code epoch-cosine}; for {@code step-cosine}, the
     * {@link #stepSchedule} at the run's step index {@code (epoch - 1) * stepsPerEpoch + step}, so a resumed run
     * continues exactly.
     */
    public double learningRateAt(int epoch, int step, int stepsPerEpoch) {
        if (schedule.equals("epoch-cosine")) {
            return learningRateAt(epoch);
        }
        return stepSchedule(stepsPerEpoch).at((long) (epoch - 1) * stepsPerEpoch + step);
    }

    /**
     * The step-cosine schedule over the whole run (from {@code learningRate} after the warm-up down to
     * {@code minLearningRate} at the last step).
     *
     * @throws IllegalArgumentException when the warm-up is not shorter than the run
     */
    public LearningRateSchedule stepSchedule(int stepsPerEpoch) {
        long total = (long) epochs * stepsPerEpoch;
        if (warmupSteps >= total) {
            throw new IllegalArgumentException("--warmup-steps " + warmupSteps + " is not shorter than the run's "
                    + total + " steps (" + epochs + " epochs x " + stepsPerEpoch + " steps)");
        }
        return new LearningRateSchedule(learningRate, minLearningRate, warmupSteps, total);
    }
}
