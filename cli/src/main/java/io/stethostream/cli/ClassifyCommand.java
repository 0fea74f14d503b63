package io.stethostream.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.cycles.SlidingWindows;
import io.stethostream.ingest.cycles.WindowLabeler;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.IcbhiAnnotationFile;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code stethostream classify --model model.onnx FILE...}: one JSON line per window (or per annotated cycle) with the
 * model's class probabilities. Uses the same feature code and the same serving API as the stream.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify recordings with an ONNX model: one JSON line per window on standard output.",
                "Windows have the model's length and hop (from its feature spec) unless --hop is given; a recording "
                        + "shorter than one window is tiled to a window like a training cycle (marked \"fitted\").",
                "A file that cannot be read or decoded is reported on standard error with its reason and skipped; "
                        + "the others are still classified, and the exit code is then 3."})
public final class ClassifyCommand implements Callable<Integer> {

    /** One compact JSON object per line, whatever the shared mapper's indentation. */
    private static final ObjectWriter LINE = TrainCommand.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "An exported .onnx model.")
    Path modelFile;

    @Option(names = "--hop", paramLabel = "SECONDS", description = "Hop between windows (default: the model's).")
    Double hopSeconds;

    @Option(names = "--cycles", description = "Classify the respiratory cycles of the ICBHI-format annotation file "
            + "beside each recording (NAME.txt, as the datasets and `synth` write them) instead of sliding windows.")
    boolean cycles;

    @Option(names = "--batch", defaultValue = "8", description = "Windows per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (0 = all cores).")
    int threads;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "WAV or FLAC recordings.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) {
            throw new InvalidInputException("--batch must be at least 1, got " + batch);
        }
        if (hopSeconds != null && !(hopSeconds > 0)) {
            throw new InvalidInputException("--hop must be positive, got " + hopSeconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        try (OnnxModel model = ModelFiles.open(modelFile, threads)) { // a bad model fails at once, before any file
            FeatureSpec fs = model.featureSpec();
            FeatureExtractor extractor = new FeatureExtractor(fs);
            for (Path file : files) {
                List<Span> spans;
                try {
                    AudioClip clip = extractor.toModelRate(AudioFiles.read(file));
                    spans = cycles ? cycleSpans(file, clip, fs) : windowSpans(clip, fs);
                } catch (IOException | InvalidInputException e) {
                    // Missing, unreadable or undecodable file, or a bad annotation beside it: report it, go on.
                    bad++;
                    out.flush();
                    err.println("error: " + reason(file, e));
                    err.flush();
                    continue;
                }
                for (int from = 0; from < spans.size(); from += batch) {
                    List<Span> part = spans.subList(from, Math.min(spans.size(), from + batch));
                    float[] x = new float[part.size() * fs.targetFrames() * fs.melBins()];
                    for (int i = 0; i < part.size(); i++) {
                        FeatureMatrix m = extractor.modelInput(part.get(i).samples);
                        System.arraycopy(m.data(), 0, x, i * m.data().length, m.data().length);
                    }
                    Predictions p = model.predict(x, part.size());
                    for (int i = 0; i < part.size(); i++) {
                        out.println(line(file, part.get(i), p, i, model.metadata()));
                    }
                }
                out.flush();
            }
        }
        if (bad > 0) {
            err.println("error: " + bad + " of " + files.size() + " file" + (files.size() == 1 ? "" : "s")
                    + " could not be classified");
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        return ExitCodes.OK;
    }

    /** Why a file could not be classified, always naming it. */
    private static String reason(Path file, Exception e) {
        String name = file.toString();
        if (e instanceof FileSystemException fse && name.equals(fse.getFile())) {
            if (e instanceof NoSuchFileException) {
                return "no such file: " + name;
            }
            String r = fse.getReason();
            return name + ": " + (r != null ? r
                    : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName());
        }
        String why = e.getMessage();
        if (why == null || why.isBlank()) {
            why = e.getClass().getSimpleName();
        }
        return why.contains(name) ? why : name + ": " + why;
    }

    /** Audio to classify and where it lies in the recording. */
    private record Span(double start, double end, float[] samples, boolean fitted, Integer cycle) {
    }

    private List<Span> windowSpans(AudioClip clip, FeatureSpec fs) {
        CyclePreparer preparer = new CyclePreparer(fs);
        int rate = fs.sampleRate();
        double duration = clip.samples().length / (double) rate;
        double hop = hopSeconds != null ? hopSeconds : fs.hopSamples() / (double) rate;
        List<Span> out = new ArrayList<>();
        for (SlidingWindows.Window w : SlidingWindows.over(duration, fs.windowSamples() / (double) rate, hop,
                List.of(), new WindowLabeler())) {
            out.add(new Span(w.start(), w.end(), SlidingWindows.samples(clip.samples(), rate, w, fs.windowSamples()),
                    false, null));
        }
        if (out.isEmpty() && clip.samples().length > 0) {
            out.add(new Span(0, duration, preparer.fitToLength(clip.samples().clone()), true, null));
        }
        return out;
    }

    private static List<Span> cycleSpans(Path file, AudioClip clip, FeatureSpec fs) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path annotation = file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".txt");
        if (!Files.isRegularFile(annotation)) {
            throw new InvalidInputException("--cycles: no annotation file " + annotation + " beside " + file);
        }
        List<Cycle> cs = IcbhiAnnotationFile.read(annotation);
        CyclePreparer preparer = new CyclePreparer(fs);
        List<float[]> prepared;
        try {
            prepared = preparer.prepare(clip, cs);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(annotation + ": " + e.getMessage(), e);
        }
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            out.add(new Span(cs.get(i).start(), cs.get(i).end(), prepared.get(i), true, i));
        }
        return out;
    }

    private static String line(Path file, Span s, Predictions p, int i, ModelMetadata meta) throws IOException {
        ObjectNode o = TrainCommand.JSON.createObjectNode();
        o.put("file", file.toString());
        if (s.cycle != null) {
            o.put("cycle", s.cycle);
        }
        o.put("start", Math.round(s.start * 1000) / 1000.0);
        o.put("end", Math.round(s.end * 1000) / 1000.0);
        if (s.fitted) {
            o.put("fitted", true);
        }
        ObjectNode probs = o.putObject("probabilities");
        for (int c = 0; c < p.labels().size(); c++) {
            probs.put(p.labels().get(c), Math.round(p.probabilities()[i][c] * 1e4) / 1e4);
        }
        o.put("label", p.label(i));
        o.put("model", meta.modelName());
        o.put("version", meta.modelVersion());
        return LINE.writeValueAsString(o);
    }
}
