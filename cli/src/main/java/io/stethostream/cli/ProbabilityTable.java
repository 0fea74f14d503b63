package io.stethostream.cli;

import io.stethostream.training.data.LabelledCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** Writes the table through a temporary file, so a failure leaves no half-written CSV behind. */
    void write(Path file, List<String> labels) {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add("cycle,patient,label," + String.join(",", labels));
        lines.addAll(rows);
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
            try {
                Files.write(tmp, lines, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --probabilities " + file + ": " + e.getMessage(), e);
        }
    }
}
