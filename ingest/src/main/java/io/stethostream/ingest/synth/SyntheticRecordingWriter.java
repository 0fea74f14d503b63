package io.stethostream.ingest.synth;

import io.stethostream.ingest.audio.WavWriter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a synthetic recording as a dataset entry: {@code NAME.wav} (16-bit PCM), {@code NAME.txt} (ICBHI cycle
 * annotation, as beside every ICBHI recording) and {@code NAME.events.json} (every event).
 */
public final class SyntheticRecordingWriter {

    /** The files written. */
    public record WrittenFiles(Path wav, Path annotation, Path events) {
    }

    private SyntheticRecordingWriter() {
    }

    /**
     * Writes the three files into {@code dir} (created if missing), each atomically.
     *
     * @param baseName file name without extension; must not contain a path separator
     */
    public static WrittenFiles write(Path dir, String baseName, SyntheticRecording recording) throws IOException {
        if (baseName == null || baseName.isBlank() || baseName.contains("/") || baseName.contains("\\")
                || baseName.equals(".") || baseName.equals("..")) {
            throw new IllegalArgumentException("base name must be a plain file name, got '" + baseName + "'");
        }
        WrittenFiles files = new WrittenFiles(dir.resolve(baseName + ".wav"), dir.resolve(baseName + ".txt"),
                dir.resolve(baseName + ".events.json"));
        WavWriter.write(files.wav(), recording.clip());
        IcbhiAnnotationWriter.write(files.annotation(), recording.cycles());
        EventsJsonWriter.write(files.events(), recording);
        return files;
    }

    /** The default base name for a recording: {@code synth-KIND-SEED}. */
    public static String defaultName(SynthParameters p) {
        return "synth-" + p.kind().label() + "-" + p.seed();
    }
}
