package io.stethostream.ingest.dataset;

/**
 * Told how far a dataset scan has got, so a caller can show progress without the readers depending on a UI library.
 * Called from the scanning thread, once per annotation file.
 */
@FunctionalInterface
public interface ScanProgress {

    /** Reports nothing. */
    ScanProgress NONE = (done, total) -> { };

    /**
     * @param done  annotation files read so far
     * @param total annotation files the scan will read
     */
    void update(int done, int total);
}
