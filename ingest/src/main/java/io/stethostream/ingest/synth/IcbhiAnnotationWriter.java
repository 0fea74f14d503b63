package io.stethostream.ingest.synth;

import io.stethostream.ingest.AtomicFiles;

import io.stethostream.ingest.dataset.Cycle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes respiratory cycles in the ICBHI 2017 annotation format: one line per cycle,
 * {@code start<TAB>end<TAB>crackles<TAB>wheezes}, seconds with three decimals, flags 0 or 1, LF line endings.
 */
public final class IcbhiAnnotationWriter {

    private IcbhiAnnotationWriter() {
    }

    /** The file's text; empty for no cycles. */
    public static String format(List<Cycle> cycles) {
        StringBuilder sb = new StringBuilder();
        for (Cycle c : cycles) {
            // Locale.ROOT: a decimal comma would make the file unreadable to every ICBHI tool.
            sb.append(String.format(Locale.ROOT, "%.3f\t%.3f\t%d\t%d\n", c.start(), c.end(),
                    c.crackles() ? 1 : 0, c.wheezes() ? 1 : 0));
        }
        return sb.toString();
    }

    /** Writes the annotation atomically. */
    public static void write(Path path, List<Cycle> cycles) throws IOException {
        AtomicFiles.writeString(path, format(cycles));
    }
}
