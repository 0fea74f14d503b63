package io.stethostream.training.eval;

/**
 * What one training epoch did and how the model scored after it.
 *
 * @param epoch            1-based epoch number
 * @param trainLoss        mean training loss over the epoch's steps
 * @param learningRate     the learning rate used in the epoch
 * @param seconds          wall-clock time of the epoch's training steps
 * @param samplesPerSecond training throughput
 * @param validation       scores on the validation split; null when the run has none
 * @param test             scores on the test split; null when the test set was not scored after this epoch
 */
public record EpochRecord(int epoch, double trainLoss, double learningRate, double seconds, double samplesPerSecond,
                          IcbhiScores validation, IcbhiScores test) {

    public EpochRecord {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
        }
    }
}
