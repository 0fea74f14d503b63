package io.stethostream.training.pretrain;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.InputNormalisation;
import io.stethostream.training.model.AstConfig;

import java.util.List;

/**
 * Everything a pretraining run depends on; written to {@code pretrain-config.json} and read back by {@code --resume}.
 *
 * @param model               the encoder (the same AstConfig that {@code train} builds; its head is not trained)
 * @param windowSeconds       crop length in seconds (the window the fine-tuned model will see)
 * @param maskRatio           share of patches masked per sample (0.75 as MAE)
 * @param decoderWidth        decoder width
 * @param decoderDepth        decoder blocks
 * @param decoderHeads        decoder attention heads
 * @param steps               optimiser steps
 * @param batchSize           crops per step
 * @param learningRate        peak learning rate (AdamW)
 * @param minLearningRate     learning rate at the last step (cosine)
 * @param warmupSteps         linear warm-up steps
 * @param weightDecay         AdamW decoupled weight decay
 * @param targetVarianceFloor added to each patch's variance before its target is normalised
 * @param seed                seed of the weights, crops and masks
 * @param threads             CPU threads for libtorch (0: all cores)
 * @param checkpointEvery     steps between checkpoints
 * @param sources             what the audio came from, for the record (folders, dataset training splits)
 * @param normalisation       the log-mel statistics the front end normalises with ({@code --norm dataset}: measured on
 *                            this audio); null (the default when absent): AudioSet's
 */
public record PretrainConfig(
        @JsonProperty("model") AstConfig model,
        @JsonProperty("windowSeconds") double windowSeconds,
        @JsonProperty("maskRatio") double maskRatio,
        @JsonProperty("decoderWidth") int decoderWidth,
        @JsonProperty("decoderDepth") int decoderDepth,
        @JsonProperty("decoderHeads") int decoderHeads,
        @JsonProperty("steps") int steps,
        @JsonProperty("batchSize") int batchSize,
        @JsonProperty("learningRate") double learningRate,
        @JsonProperty("minLearningRate") double minLearningRate,
        @JsonProperty("warmupSteps") int warmupSteps,
        @JsonProperty("weightDecay") double weightDecay,
        @JsonProperty("targetVarianceFloor") double targetVarianceFloor,
        @JsonProperty("seed") long seed,
        @JsonProperty("threads") int threads,
        @JsonProperty("checkpointEvery") int checkpointEvery,
        @JsonProperty("sources") List<String> sources,
        @JsonProperty("normalisation") InputNormalisation normalisation) {

    public PretrainConfig {
        PatchMasking.maskedCount(model.patches(), maskRatio); // validates the ratio
        if (steps < 1 || batchSize < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("need steps >= 1, batch size >= 1 and checkpoint interval >= 1");
        }
        if (warmupSteps < 0 || warmupSteps >= steps) {
            throw new IllegalArgumentException("warm-up steps must be in [0, steps), got " + warmupSteps);
        }
        if (!(learningRate > 0) || minLearningRate < 0 || minLearningRate > learningRate || weightDecay < 0) {
            throw new IllegalArgumentException("need 0 <= min learning rate <= learning rate > 0, weight decay >= 0");
        }
        if (!(targetVarianceFloor > 0)) {
            throw new IllegalArgumentException("target variance floor must be > 0");
        }
        if (decoderWidth < 1 || decoderDepth < 1 || decoderHeads < 1 || decoderWidth % decoderHeads != 0) {
            throw new IllegalArgumentException("decoder width must divide by its heads, depth >= 1");
        }
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** The signature before {@code normalisation} existed: AudioSet's statistics. */
    public PretrainConfig(AstConfig model, double windowSeconds, double maskRatio, int decoderWidth, int decoderDepth,
                          int decoderHeads, int steps, int batchSize, double learningRate, double minLearningRate,
                          int warmupSteps, double weightDecay, double targetVarianceFloor, long seed, int threads,
                          int checkpointEvery, List<String> sources) {
        this(model, windowSeconds, maskRatio, decoderWidth, decoderDepth, decoderHeads, steps, batchSize, learningRate,
                minLearningRate, warmupSteps, weightDecay, targetVarianceFloor, seed, threads, checkpointEvery, sources,
                null);
    }

    /** This configuration normalising the log-mel with these statistics (null: AudioSet's). */
    public PretrainConfig withNormalisation(InputNormalisation normalisation) {
        return new PretrainConfig(model, windowSeconds, maskRatio, decoderWidth, decoderDepth, decoderHeads, steps,
                batchSize, learningRate, minLearningRate, warmupSteps, weightDecay, targetVarianceFloor, seed, threads,
                checkpointEvery, sources, normalisation);
    }

    /** The run's front end: the reference's at the crop length, with the run's normalisation. */
    public FeatureSpec featureSpec() {
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(windowSeconds);
        return normalisation == null ? spec : normalisation.applyTo(spec);
    }
}
