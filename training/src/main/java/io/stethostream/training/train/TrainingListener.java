package io.stethostream.training.train;

import io.stethostream.training.eval.EpochRecord;

/** What a training run reports as it goes; the CLI draws a progress bar and a per-epoch log from it. */
public interface TrainingListener {

    /** After each optimiser step; {@code step} counts from 1 within the epoch. */
    default void onStep(int epoch, int step, int stepsPerEpoch, double loss, double learningRate,
                        double samplesPerSecond) {
    }

    /** After each epoch's evaluation. */
    default void onEpoch(EpochRecord record) {
    }

    /** Free-form progress messages (loading, resuming, saving). */
    default void onMessage(String message) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
