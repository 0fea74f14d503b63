package io.stethostream.ingest.dataset;

/** The SPRSound classification sets, with where their audio and JSON label files live under the database root. */
public enum SprSoundSet {
    /** The 2022 training set. */
    TRAIN_2022("train", "train_classification_wav", "train_classification_json"),
    /** The 2022 test set, patients not in the training set. */
    INTER_TEST_2022("inter-test", "test_classification_wav/2022", "test_classification_json/2022/inter_test_json"),
    /** The 2022 test set, further recordings of training-set patients. */
    INTRA_TEST_2022("intra-test", "test_classification_wav/2022", "test_classification_json/2022/intra_test_json");

    private final String label;
    private final String audioFolder;
    private final String annotationFolder;

    SprSoundSet(String label, String audioFolder, String annotationFolder) {
        this.label = label;
        this.audioFolder = audioFolder;
        this.annotationFolder = annotationFolder;
    }

    /** Short name used in JSON and reports ({@code train}, {@code inter-test}, {@code intra-test}). */
    public String label() {
        return label;
    }

    /** The audio folder relative to the database root; the two test sets share one. */
    public String audioFolder() {
        return audioFolder;
    }

    /** The JSON label folder relative to the database root. */
    public String annotationFolder() {
        return annotationFolder;
    }
}
