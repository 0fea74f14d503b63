package io.stethostream.training.train;

/**
 * A learning rate set at every optimiser step: a linear warm-up from {@code peak / warmupSteps} to {@code peak} over
 * the first {@code warmupSteps} steps, then a cosine from {@code peak} down to {@code floor} at the last step. A
 * transformer trained from scratch (or from a pretrained encoder with a fresh head) needs the warm-up: without one
 * the first large steps push it to the class prior, where it stays (docs/results.md).
 *
 * @param peak        the rate at the end of the warm-up
 * @param floor       the rate at the last step
 * @param warmupSteps steps of linear warm-up (0: none)
 * @param totalSteps  all steps of the run, warm-up included
 */
public record LearningRateSchedule(double peak, double floor, long warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (!(peak > 0) || floor < 0 || floor > peak) {
            throw new IllegalArgumentException("need 0 <= floor <= peak > 0, got peak " + peak + ", floor " + floor);
        }
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException("need 0 <= warm-up steps < total steps, got " + warmupSteps + " of "
                    + totalSteps);
        }
    }

    /** The rate of step {@code step} (0-based). */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        long decay = totalSteps - warmupSteps;
        double progress = decay <= 1 ? 1.0 : Math.min(1.0, (step - warmupSteps) / (double) (decay - 1));
        return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
