package io.stethostream.training.data;

import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.Objects;

/**
 * One labelled respiratory cycle (an ICBHI cycle or a SPRSound event) with its audio, ready for training.
 *
 * <p>{@code samples} is the cycle's slice at the model rate, cut from the whole recording after its fade-in and
 * fade-out ({@link io.stethostream.ingest.cycles.CyclePreparer#slices}), not yet cropped or tiled to the window
 * length: the trainer calls {@code fitToLength} and the feature extractor per batch, so the loaded data stays small.
 * The array is owned by this value and must not be changed; equality of two values compares it by reference.
 *
 * @param dataset   {@value #ICBHI} or {@value #SPRSOUND}
 * @param recording the recording's name
 * @param patient   the patient, prefixed with the dataset ({@code icbhi:101}, {@code sprsound:40951234}) so that
 *                  patients of different databases never coincide
 * @param index     position of the cycle among its recording's annotated cycles (0-based, skipped ones counted)
 * @param start     seconds from the start of the recording
 * @param end       seconds from the start of the recording, as annotated (the slice stops at the audio's end)
 * @param label     the class
 * @param samples   the faded recording's samples {@code floor(start*rate) .. min(length, floor(end*rate))}
 */
public record LabelledCycle(String dataset, String recording, String patient, int index, double start, double end,
                            RespiratoryClass label, float[] samples) {

    public static final String ICBHI = "icbhi";
    public static final String SPRSOUND = "sprsound";

    public LabelledCycle {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(samples, "samples");
        if (samples.length == 0) {
            throw new IllegalArgumentException(recording + " cycle " + index + ": no samples");
        }
    }

    /** The patient key for a database and its own patient id. */
    public static String patientKey(String dataset, String patientId) {
        return dataset + ":" + patientId;
    }

    /** A short name for messages: {@code dataset/recording#index}. */
    public String id() {
        return dataset + "/" + recording + "#" + index;
    }

    @Override
    public String toString() {
        return "LabelledCycle[" + id() + ", " + patient + ", " + start + "-" + end + " s, " + label.label() + ", "
                + samples.length + " samples]";
    }
}
