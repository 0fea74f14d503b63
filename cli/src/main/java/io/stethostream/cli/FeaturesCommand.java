package io.stethostream.cli;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code stethostream features --input FILE [--start S --end E] [--raw] --out OUT.npy}: the model's front end on one
 * file (or a segment of it), written as a (frames x mel bins) float32 {@code .npy}.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Compute Kaldi-compatible log-mel features of a WAV or FLAC file and write them as .npy.",
                "The audio is resampled to the model rate first; --start/--end select a segment in seconds."})
public final class FeaturesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "WAV or FLAC file.")
    Path input;

    @Option(names = "--start", paramLabel = "S", description = "Segment start in seconds (default: 0).")
    Double start;

    @Option(names = "--end", paramLabel = "E", description = "Segment end in seconds (default: end of file).")
    Double end;

    @Option(names = "--raw", description = "Write the log-mel before normalisation.")
    boolean raw;

    @Option(names = "--spec", paramLabel = "JSON",
            description = "Feature spec JSON file (default: the Patch-Mix reference spec).")
    Path specFile;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Output .npy file.")
    Path out;

    @Override
    public Integer call() throws IOException {
        FeatureSpec featureSpec = specFile == null ? FeatureSpec.PATCH_MIX : readSpec(specFile);
        FeatureExtractor extractor = new FeatureExtractor(featureSpec);
        AudioClip clip = extractor.toModelRate(AudioFiles.read(input));
        float[] segment = segment(clip);
        if (featureSpec.framesFor(segment.length) == 0) {
            throw new InvalidInputException(input + ": segment of " + segment.length + " samples is shorter than one "
                    + featureSpec.frameLengthMs() + " ms frame");
        }
        FeatureMatrix features = raw ? extractor.logMel(segment) : extractor.normalised(segment);
        Npy.write(out, features);
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d frames x %d mel bins (%s, %.3f-%.3f s) -> %s%n",
                input, features.frames(), features.bins(), raw ? "log-mel" : "normalised",
                start == null ? 0.0 : start, end == null ? clip.durationSeconds() : end, out);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The selected samples at the model rate, cut at floor(t * rate) as cycles are. */
    private float[] segment(AudioClip clip) {
        double duration = clip.durationSeconds();
        double s = start == null ? 0.0 : start;
        double e = end == null ? duration : end;
        if (s < 0 || !(e > s)) {
            throw new InvalidInputException("need 0 <= --start < --end, got " + s + " and " + e);
        }
        if (e > duration + 1e-9) {
            throw new InvalidInputException(input + ": --end " + e + " s is past the end of the audio ("
                    + String.format(Locale.ROOT, "%.3f", duration) + " s)");
        }
        int from = (int) Math.floor(s * clip.sampleRate());
        int to = (int) Math.min(clip.length(), Math.floor(e * clip.sampleRate()));
        return from == 0 && to == clip.length() ? clip.samples() : Arrays.copyOfRange(clip.samples(), from, to);
    }

    private static FeatureSpec readSpec(Path file) throws IOException {
        try {
            return FeatureSpec.fromJson(java.nio.file.Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }
}
