package io.stethostream.cli;

import io.stethostream.training.data.InputNormalisation;

/**
 * The value of {@code --norm} in {@code train} and {@code pretrain}: {@code audioset} (the reference's statistics),
 * {@code dataset} (measured on the run's own training audio) or {@code MEAN,STD} given (to fine-tune weights that
 * were trained with those, as the demo's retrain does).
 *
 * @param measure whether to measure the statistics on the training audio
 * @param given   the statistics given, or null
 */
record NormChoice(boolean measure, InputNormalisation given) {

    static final String DESCRIPTION = "audioset|dataset|MEAN,STD";

    /** The choice {@code value} names; null means the command's default. */
    static NormChoice parse(String value) {
        if (value == null || value.equals("audioset")) {
            return new NormChoice(false, null);
        }
        if (value.equals("dataset")) {
            return new NormChoice(true, null);
        }
        String[] parts = value.split(",");
        try {
            if (parts.length == 2) {
                return new NormChoice(false, new InputNormalisation(Double.parseDouble(parts[0].strip()),
                        Double.parseDouble(parts[1].strip())));
            }
        } catch (IllegalArgumentException e) { // NumberFormatException is one
            throw new InvalidInputException("--norm " + value + ": " + e.getMessage(), e);
        }
        throw new InvalidInputException("--norm takes audioset, dataset or MEAN,STD (two numbers), got '" + value
                + "'");
    }
}
