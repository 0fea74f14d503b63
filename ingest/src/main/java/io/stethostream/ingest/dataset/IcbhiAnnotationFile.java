package io.stethostream.ingest.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an ICBHI 2017 annotation file: one respiratory cycle per line, {@code start end crackles wheezes} (seconds,
 * 0/1), separated by tabs or spaces. Blank lines and Windows line endings are tolerated.
 */
public final class IcbhiAnnotationFile {

    private IcbhiAnnotationFile() {
    }

    /**
     * Reads the cycles of one annotation file, in file order.
     *
     * @throws DatasetFormatException naming the file and line of the first malformed line
     */
    public static List<Cycle> read(Path file) throws IOException {
        List<Cycle> cycles = new ArrayList<>();
        // readLine() splits on \n, \r\n and \r alike.
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                String trimmed = stripBom(line).strip();
                if (!trimmed.isEmpty()) {
                    cycles.add(parseLine(file, lineNumber, trimmed));
                }
            }
        }
        return cycles;
    }

    private static Cycle parseLine(Path file, int lineNumber, String line) throws DatasetFormatException {
        String[] fields = line.split("\\s+");
        if (fields.length != 4) {
            throw new DatasetFormatException(file, lineNumber,
                    "expected 4 fields 'start end crackles wheezes', got " + fields.length + ": '" + line + "'");
        }
        double start = seconds(file, lineNumber, "start", fields[0]);
        double end = seconds(file, lineNumber, "end", fields[1]);
        boolean crackles = flag(file, lineNumber, "crackles", fields[2]);
        boolean wheezes = flag(file, lineNumber, "wheezes", fields[3]);
        try {
            return new Cycle(start, end, crackles, wheezes);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(file, lineNumber, e.getMessage());
        }
    }

    private static double seconds(Path file, int lineNumber, String what, String field) throws DatasetFormatException {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(file, lineNumber, what + " is not a number: '" + field + "'");
        }
    }

    private static boolean flag(Path file, int lineNumber, String what, String field) throws DatasetFormatException {
        return switch (field) {
            case "0" -> false;
            case "1" -> true;
            default -> throw new DatasetFormatException(file, lineNumber, what + " must be 0 or 1, got '" + field + "'");
        };
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
