package io.stethostream.ingest.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A dataset file (annotation, split list, JSON label file) or folder that cannot be read as the dataset describes it.
 * The message always names the file, and the line where one is known, so a user can fix or report that file.
 */
public class DatasetFormatException extends IOException {

    private final transient Path file;
    private final int line;

    /** A problem with a whole file or folder. */
    public DatasetFormatException(Path file, String reason) {
        this(file, 0, reason, null);
    }

    /** A problem with a whole file, caused by a parser or I/O error. */
    public DatasetFormatException(Path file, String reason, Throwable cause) {
        this(file, 0, reason, cause);
    }

    /** A problem on one line of a text file; {@code line} counts from 1. */
    public DatasetFormatException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    private DatasetFormatException(Path file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    /** The file or folder at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, if the problem is on one line. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
