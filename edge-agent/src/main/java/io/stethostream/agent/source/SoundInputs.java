package io.stethostream.agent.source;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The machine's sound inputs (mixers with a capture line), as javax.sound lists them. */
public final class SoundInputs {

    private SoundInputs() {
    }

    /** Names of the mixers that can capture, in the system's order; possibly none. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            if (canCapture(AudioSystem.getMixer(info))) {
                out.add(info.getName() + (info.getDescription() == null || info.getDescription().isBlank() ? ""
                        : " (" + info.getDescription() + ")"));
            }
        }
        return out;
    }

    /**
     * The mixer to capture from: the first whose name contains {@code name} (ignoring case), or the system default
     * capture mixer when {@code name} is null.
     */
    public static Mixer find(String name) throws NoSuchInputException {
        Mixer first = null;
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer m = AudioSystem.getMixer(info);
            if (!canCapture(m)) {
                continue;
            }
            if (name == null) {
                return m;
            }
            if (info.getName().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)) && first == null) {
                first = m;
            }
        }
        if (first == null) {
            throw new NoSuchInputException(name, names());
        }
        return first;
    }

    static boolean canCapture(Mixer m) {
        for (Line.Info li : m.getTargetLineInfo()) {
            if (TargetDataLine.class.isAssignableFrom(li.getLineClass())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The native rate of a mixer's capture line: the highest 16-bit rate it names within the chunk format's range, or
     * the first common rate it accepts when it names none (many drivers report "any rate").
     */
    static int nativeRate(Mixer m, int min, int max) {
        int best = -1;
        for (Line.Info li : m.getTargetLineInfo()) {
            if (li instanceof DataLine.Info dli) {
                for (AudioFormat f : dli.getFormats()) {
                    int r = Math.round(f.getSampleRate());
                    if (f.getSampleSizeInBits() == 16 && r >= min && r <= max) {
                        best = Math.max(best, r);
                    }
                }
            }
        }
        if (best > 0) {
            return best;
        }
        for (int r : new int[] {48_000, 44_100, 16_000, 8_000}) {
            if (m.isLineSupported(new DataLine.Info(TargetDataLine.class, LineInputSource.format(r)))) {
                return r;
            }
        }
        return 16_000;
    }
}
