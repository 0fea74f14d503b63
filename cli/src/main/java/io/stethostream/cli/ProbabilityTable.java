package io.stethostream.cli;

import io.stethostream.training.data.LabelledCycle;

import io.stethostream.ingest.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Each scored cycle's class probabilities, written by {@code evaluate --probabilities} as CSV. */
final class ProbabilityTable {

    private final List<String> rows = new ArrayList<>();

    void add(LabelledCycle cycle, float[] probabilities) {
        StringBuilder row = new StringBuilder()
                .append(cycle.id()).append(',').append(cycle.patient()).append(',').append(cycle.label().label());
        for (float p : probabilities) {
            row.append(',').append(String.format(Locale.ROOT, "%.6f", p));
        }
        rows.add(row.toString());
    }

    /** Writes the table atomically ({@link AtomicFiles}): a failure leaves no half-written CSV behind. */
    void write(Path file, List<String> labels) {
        StringBuilder text = new StringBuilder("cycle,patient,label," + String.join(",", labels) + "\n");
        rows.forEach(r -> text.append(r).append('\n'));
        try {
            AtomicFiles.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --probabilities " + file + ": " + e.getMessage(), e);
        }
    }
}
