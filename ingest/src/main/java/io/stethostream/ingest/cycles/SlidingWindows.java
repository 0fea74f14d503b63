package io.stethostream.ingest.cycles;

import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The streaming view of a recording: windows of a fixed length every hop seconds, starting at 0, the last one ending
 * at or before the end of the audio (no padding: the stream only scores windows it has heard in full). Each window
 * carries the label of {@link WindowLabeler}.
 */
public final class SlidingWindows {

    /** A window in seconds from the start of the recording, with its label when the annotation covers it. */
    public record Window(int index, double start, double end, Optional<RespiratoryClass> label) {
    }

    private SlidingWindows() {
    }

    /** Windows of {@code lengthSeconds} every {@code hopSeconds} over a recording of {@code durationSeconds}. */
    public static List<Window> over(double durationSeconds, double lengthSeconds, double hopSeconds, List<Cycle> spans,
                                    WindowLabeler labeler) {
        if (!(lengthSeconds > 0) || !(hopSeconds > 0)) {
            throw new IllegalArgumentException("window length and hop must be positive, got " + lengthSeconds + " / "
                    + hopSeconds);
        }
        List<Window> out = new ArrayList<>();
        // Integer steps avoid drift from adding the hop repeatedly; 1e-9 absorbs float error at the last window.
        for (int i = 0; i * hopSeconds + lengthSeconds <= durationSeconds + 1e-9; i++) {
            double start = i * hopSeconds;
            double end = start + lengthSeconds;
            out.add(new Window(i, start, end, labeler.label(start, end, spans)));
        }
        return out;
    }

    /**
     * The samples of window {@code w} of a recording at {@code sampleRate}: {@code length} samples from the window's
     * start, zero-padded where rounding puts its end a sample past the recording's.
     */
    public static float[] samples(float[] recording, int sampleRate, Window w, int length) {
        int from = (int) Math.round(w.start() * sampleRate);
        return Arrays.copyOfRange(recording, from, from + length);
    }
}
