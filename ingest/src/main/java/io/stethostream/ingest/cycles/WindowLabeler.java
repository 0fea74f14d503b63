package io.stethostream.ingest.cycles;

import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.List;
import java.util.Optional;

/**
 * Labels a window of a recording from the annotated cycles or events it overlaps.
 *
 * <p>The rule: an annotated span counts for a window when it overlaps it by at least half of the span's own length or
 * by at least {@code minOverlapSeconds} (default 1 s), whichever is smaller; so a short crackle event wholly inside
 * the window counts, and a long cycle counts once a good part of it is heard. The window's label is the union of the
 * counted spans' flags: crackles if any counted span has crackles, wheezes likewise, giving normal, crackle, wheeze or
 * both. A window that no span counts for is unlabelled (empty): the annotation says nothing about it.
 */
public final class WindowLabeler {

    private final double minOverlapSeconds;

    public WindowLabeler() {
        this(1.0);
    }

    public WindowLabeler(double minOverlapSeconds) {
        if (!(minOverlapSeconds > 0)) {
            throw new IllegalArgumentException("minOverlapSeconds must be positive");
        }
        this.minOverlapSeconds = minOverlapSeconds;
    }

    /** The label of the window [start, end) seconds, or empty when no annotated span counts for it. */
    public Optional<RespiratoryClass> label(double start, double end, List<Cycle> spans) {
        boolean any = false;
        boolean crackles = false;
        boolean wheezes = false;
        for (Cycle c : spans) {
            double overlap = Math.min(end, c.end()) - Math.max(start, c.start());
            if (overlap > 0 && overlap >= Math.min(0.5 * c.duration(), minOverlapSeconds)) {
                any = true;
                crackles |= c.crackles();
                wheezes |= c.wheezes();
            }
        }
        return any ? Optional.of(RespiratoryClass.of(crackles, wheezes)) : Optional.empty();
    }
}
