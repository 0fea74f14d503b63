package io.stethostream.training.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.training.model.AstConfig;

import java.util.List;

/**
 * Everything a training run depends on; written to {@code config.json} and read back by {@code --resume} and
 * {@code evaluate}. Defaults are the paper's (spec section 6).
 *
 * @param dataset        icbhi, sprsound or both
 * @param icbhiRoot      ICBHI folder (null when not used)
 * @param sprsoundRoot   SPRSound folder (null when not used)
 * @param model          model size and grid
 * @param windowSeconds  cycle length in seconds (8 as the paper; shorter is cheaper)
 * @param method         training method
 * @param epochs         epochs
 * @param batchSize      batch size (the last partial batch is dropped)
 * @param learningRate   initial learning rate, cosine per epoch down to {@code minLearningRate}
 * @param weightDecay    L2 weight decay added to the gradient
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
 *                       unweighted), {@code inverse} = every method's CE terms weighted, {@code none} = none; a
 *                       {@code config.json} written before the option existed reads as {@code default}
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
        @JsonProperty("classWeights") String classWeights) {

    /** The values {@code classWeights} takes. */
    public static final List<String> CLASS_WEIGHTS = List.of("default", "inverse", "none");

    public TrainConfig {
        Method.parse(method);
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
    }

    /**
     * The class weights this run's cross-entropy terms use, or null for unweighted.
     *
     * @param inverseFrequency the training set's inverse-frequency weights
     */
    public float[] lossClassWeights(float[] inverseFrequency) {
        return switch (classWeights) {
            case "inverse" -> inverseFrequency;
            case "none" -> null;
            default -> methodEnum() == Method.CE ? inverseFrequency : null;
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
}
