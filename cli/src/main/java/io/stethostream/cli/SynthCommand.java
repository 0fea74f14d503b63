package io.stethostream.cli;

import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.ingest.synth.SyntheticRecording;
import io.stethostream.ingest.synth.SyntheticRecordingWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stethostream synth}: writes a synthetic respiratory recording with its ICBHI annotation and events. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic respiratory recording (NAME.wav), its ICBHI cycle annotation (NAME.txt) "
                + "and its events (NAME.events.json).")
public final class SynthCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--seconds", required = true, paramLabel = "N",
            description = "Length in seconds, more than 0 and at most 600.")
    double seconds;

    @Option(names = "--kind", required = true, paramLabel = "KIND", converter = KindConverter.class,
            description = "One of: normal, crackle, wheeze, both, poor, silence.")
    SoundKind kind;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed; the same seed and options "
            + "give identical files.")
    long seed;

    @Option(names = "--rate", paramLabel = "HZ", defaultValue = "16000",
            description = "Sample rate, 4000 to 48000 Hz (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--breaths-per-minute", paramLabel = "B", defaultValue = "18",
            description = "Mean breathing rate, 4 to 60 (default: ${DEFAULT-VALUE}).")
    double breathsPerMinute;

    @Option(names = "--name", paramLabel = "NAME", description = "Base file name (default: synth-KIND-SEED).")
    String name;

    @Override
    public Integer call() throws IOException {
        SynthParameters params = parameters();
        String base = name != null ? name : SyntheticRecordingWriter.defaultName(params);
        SyntheticRecording recording = RespiratorySoundGenerator.generate(params);
        SyntheticRecordingWriter.WrittenFiles files = SyntheticRecordingWriter.write(out, base, recording);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %s (%s, %.3f s at %d Hz, seed %d)%n", files.wav(), params.kind().label(),
                recording.clip().durationSeconds(), params.sampleRate(), params.seed());
        w.printf(Locale.ROOT, "wrote %s (%d cycles)%n", files.annotation(), recording.cycles().size());
        w.printf(Locale.ROOT, "wrote %s (%d events)%n", files.events(), recording.events().size());
        w.flush();
        return ExitCodes.OK;
    }

    /** Checks each option against its range, naming the option, before anything is generated or written. */
    private SynthParameters parameters() {
        CommandLine cl = spec.commandLine();
        if (!(seconds > 0) || seconds > SynthParameters.MAX_SECONDS) {
            throw new ParameterException(cl, "--seconds must be > 0 and at most " + SynthParameters.MAX_SECONDS
                    + ", got " + seconds);
        }
        if (rate < SynthParameters.MIN_SAMPLE_RATE || rate > SynthParameters.MAX_SAMPLE_RATE) {
            throw new ParameterException(cl, "--rate must be between " + SynthParameters.MIN_SAMPLE_RATE + " and "
                    + SynthParameters.MAX_SAMPLE_RATE + " Hz, got " + rate);
        }
        if (!(breathsPerMinute >= SynthParameters.MIN_BREATHS_PER_MINUTE
                && breathsPerMinute <= SynthParameters.MAX_BREATHS_PER_MINUTE)) {
            throw new ParameterException(cl, "--breaths-per-minute must be between "
                    + SynthParameters.MIN_BREATHS_PER_MINUTE + " and " + SynthParameters.MAX_BREATHS_PER_MINUTE
                    + ", got " + breathsPerMinute);
        }
        if (name != null && (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals(".."))) {
            throw new ParameterException(cl, "--name must be a plain file name without a folder, got '" + name + "'");
        }
        return new SynthParameters(kind, seconds, rate, breathsPerMinute, seed);
    }

    /** Parses --kind case-insensitively; picocli reports the failure as an invalid value for --kind. */
    static final class KindConverter implements CommandLine.ITypeConverter<SoundKind> {
        @Override
        public SoundKind convert(String value) {
            try {
                return SoundKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
