package io.stethostream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.cycles.SlidingWindows;
import io.stethostream.ingest.cycles.WindowLabeler;
import io.stethostream.ingest.dataset.DatasetFormatException;
import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.dataset.SprSoundDataset;
import io.stethostream.ingest.dataset.SprSoundRecording;
import io.stethostream.ingest.dataset.SprSoundSet;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.runtime.Predictions;
import io.stethostream.streams.alerts.AlertState;
import io.stethostream.streams.alerts.AlertThresholds;
import io.stethostream.streams.alerts.AlertTracker;
import io.stethostream.streams.alerts.RecordingVerdict;
import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.quality.QualityThresholds;
import io.stethostream.streams.quality.SignalQuality;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.training.augment.WaveformAugment;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.DatasetChoice;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.eval.ConfusionMatrix;
import io.stethostream.training.eval.IcbhiScores;
import io.stethostream.training.eval.Plots;
import io.stethostream.training.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code stethostream evaluate-alerts}: what the product tells a clinician, scored. Every recording of a SPRSound set
 * is replayed as the stream sees a device: the model's windows and hop from the start of the recording (no annotated
 * events, no segmentation), the stream's signal-quality check on each window, the model on the usable ones, and the
 * stream's alert rules. The alerts a recording showed (crackles, wheezes, both, or none) are its predicted label,
 * scored against the record-level annotation (Normal, DAS, CAS, CAS and DAS) with the ICBHI Score. Poor Quality
 * recordings have no class; they are reported apart (did poor_signal fire, did an abnormal alert).
 */
@Command(name = "evaluate-alerts", mixinStandardHelpOptions = true,
        description = {"Replay every recording of a SPRSound set through the stream's windows, signal-quality check "
                + "and alert rules, and score the alerts each recording showed against its record-level label "
                + "(Normal / DAS = crackle / CAS = wheeze / CAS & DAS = both): Sp, Se, Score, per-class recall, "
                + "confusion matrix. Poor Quality recordings are reported apart.",
                "This measures the product as a clinician meets it; `evaluate` scores the model on annotated events."})
public final class EvaluateAlertsCommand implements Callable<Integer> {

    private static final String RELEASE = "evaluate-alerts";
    private static final String VALIDATION = "validation";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "An exported .onnx model (default: the shipped one).")
    Path modelFile;

    @Option(names = "--root", defaultValue = "../shared/data/sprsound", paramLabel = "DIR",
            description = "The SPRSound database folder. Default: ${DEFAULT-VALUE}.")
    Path root;

    @Option(names = "--set", defaultValue = "inter-test", paramLabel = "inter-test|intra-test|train|validation",
            description = {"Which set's recordings. Default: ${DEFAULT-VALUE} (patients the training set never had).",
                    "validation: the training-set recordings of the patients the model's own run held out for "
                            + "validation (its seed and carve from the model's metadata), to choose between "
                            + "models without looking at a test set."})
    String set;

    @Option(names = "--hop", paramLabel = "SECONDS", description = "Hop between windows (default: the model's, as the "
            + "stream's).")
    Double hopSeconds;

    @Option(names = "--band-limit", paramLabel = "HZ", description = "Pass the audio through this sampling rate first "
            + "(down and back up), as a 4 kHz or 8 kHz stethoscope would deliver it.")
    Integer bandLimit;

    @Option(names = "--raise-abnormal", defaultValue = "3", paramLabel = "K", description = "Abnormal windows among "
            + "the last --of-last usable ones that raise an alert (the stream's alerts.raise-abnormal). "
            + "Default: ${DEFAULT-VALUE}.")
    int raiseAbnormal;

    @Option(names = "--of-last", defaultValue = "5", paramLabel = "N", description = "The window count of that rule "
            + "(alerts.of-last). Default: ${DEFAULT-VALUE}.")
    int ofLast;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write DIR/recordings.csv (one row per recording), "
            + "DIR/scores.json and DIR/confusion.png.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (0 = all cores).")
    int threads;

    /** One replayed recording. */
    private record Row(SprSoundRecording recording, int windows, int usable, List<String> labels,
                       RecordingVerdict verdict) {
    }

    @Override
    public Integer call() throws IOException {
        AlertThresholds rule = rule();
        SprSoundSet which = set();
        boolean validation = set.equals(VALIDATION);
        if (hopSeconds != null && !(hopSeconds > 0)) {
            throw new InvalidInputException("--hop must be positive, got " + hopSeconds);
        }
        PrintWriter err = spec.commandLine().getErr();
        Path model = modelFile != null ? modelFile : Defaults.shippedModel();
        String setLabel = validation ? VALIDATION : which.label();
        List<Row> rows = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        String modelName;
        try (OnnxModel onnx = ModelFiles.open(model, threads)) {
            List<SprSoundRecording> recordings = recordings(which, err);
            if (validation) {
                recordings = heldOutByTheRun(onnx, recordings, err);
            }
            FeatureSpec fs = onnx.featureSpec();
            FeatureExtractor extractor = new FeatureExtractor(fs);
            ModelRef ref = new ModelRef(onnx.metadata().modelName(), onnx.metadata().modelVersion(), RELEASE);
            modelName = ref.name() + " " + ref.version();
            try (ProgressReporter progress = new ProgressReporter(err, "Replaying " + recordings.size()
                    + " recordings")) {
                for (int i = 0; i < recordings.size(); i++) {
                    SprSoundRecording r = recordings.get(i);
                    float[] samples;
                    try {
                        samples = modelRateAudio(extractor, r.audio().orElseThrow());
                    } catch (IOException | RuntimeException e) {
                        unreadable.add(r.audio().orElseThrow() + ": " + (e.getMessage() == null
                                ? e.getClass().getSimpleName() : e.getMessage()));
                        progress.update(i + 1, recordings.size());
                        continue;
                    }
                    rows.add(replay(r, samples, fs, extractor, onnx, ref, rule));
                    progress.update(i + 1, recordings.size());
                }
            }
        }
        for (String u : unreadable) {
            err.println("warning: skipped unreadable recording " + u);
        }
        err.flush();
        if (rows.isEmpty()) {
            throw new InvalidInputException("no recording of " + setLabel + " under " + root + " could be read");
        }
        report(rows, unreadable, setLabel, modelName, rule);
        return ExitCodes.OK;
    }

    private AlertThresholds rule() {
        AlertThresholds d = AlertThresholds.DEFAULTS;
        try {
            return new AlertThresholds(raiseAbnormal, ofLast, d.clearNormal(), d.poorSignalRaise(),
                    d.poorSignalClear(), d.signalLostMillis(), d.signalCheckMillis());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--raise-abnormal / --of-last: " + e.getMessage(), e);
        }
    }

    /** The SPRSound set whose recordings are read ({@code validation}: the training set's, filtered later). */
    private SprSoundSet set() {
        if (set.equals(VALIDATION)) {
            return SprSoundSet.TRAIN_2022;
        }
        for (SprSoundSet s : SprSoundSet.values()) {
            if (s.label().equals(set)) {
                return s;
            }
        }
        throw new InvalidInputException("--set must be inter-test, intra-test, train or validation, got '" + set
                + "'");
    }

    /**
     * The training recordings of the patients the model's run held out: its training configuration (metadata) names
     * the units, validation fraction and seed, and the carve is made again on the same training examples, exactly as
     * {@code train} made it.
     */
    private List<SprSoundRecording> heldOutByTheRun(OnnxModel onnx, List<SprSoundRecording> train, PrintWriter err)
            throws IOException {
        TrainConfig config = EvaluateCommand.configOf(onnx);
        FeatureSpec fs = onnx.featureSpec();
        Path model = onnx.file();
        if (!config.dataset().equals(DatasetChoice.SPRSOUND.label())) {
            throw new InvalidInputException("--set validation needs a model trained on SPRSound alone (its run held "
                    + "out SPRSound patients); " + model + " was trained on " + config.dataset());
        }
        CycleLoader.Splits splits;
        try (ProgressReporter progress = new ProgressReporter(err, "Loading the run's training "
                + config.trainingUnits().label() + " to find its validation patients")) {
            splits = CycleLoader.load(DatasetChoice.SPRSOUND, null, root, fs, config.trainingUnits(), progress);
        } catch (DatasetFormatException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        Set<String> patients = ValidationSplit.carve(splits.train(), config.validationFraction(), config.seed())
                .validation().stream().map(LabelledCycle::patient).collect(Collectors.toSet());
        List<SprSoundRecording> heldOut = train.stream().filter(r -> patients.contains(
                LabelledCycle.patientKey(LabelledCycle.SPRSOUND, r.patientId()))).toList();
        if (heldOut.isEmpty()) {
            throw new InvalidInputException("the run of " + model + " (seed " + config.seed() + ", validation "
                    + "fraction " + config.validationFraction() + ") held out no patient with audio under " + root);
        }
        err.println(heldOut.size() + " recordings of " + patients.size() + " validation patients (seed "
                + config.seed() + ")");
        return heldOut;
    }

    /** The set's recordings that have audio; those without are named on stderr. */
    private List<SprSoundRecording> recordings(SprSoundSet which, PrintWriter err) throws IOException {
        SprSoundDataset dataset;
        try (ProgressReporter progress = new ProgressReporter(err, "Scanning SPRSound")) {
            dataset = SprSoundDataset.load(root, progress);
        } catch (DatasetFormatException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        List<SprSoundRecording> all = dataset.recordings(which);
        List<SprSoundRecording> withAudio = all.stream().filter(SprSoundRecording::hasAudio).toList();
        if (withAudio.isEmpty()) {
            throw new InvalidInputException("no " + which.label() + " recording with audio under " + root + " ("
                    + all.size() + " label files)");
        }
        if (withAudio.size() < all.size()) {
            err.println("warning: " + (all.size() - withAudio.size()) + " " + which.label()
                    + " label files have no audio beside them; left out");
        }
        return withAudio;
    }

    private float[] modelRateAudio(FeatureExtractor extractor, Path file) throws IOException {
        AudioClip clip = extractor.toModelRate(AudioFiles.read(file));
        if (bandLimit == null) {
            return clip.samples();
        }
        try {
            return WaveformAugment.bandLimit(clip.samples(), clip.sampleRate(), bandLimit);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--band-limit: " + e.getMessage(), e);
        }
    }

    /**
     * The recording as one device's stream: full windows from its start at the hop, each checked for quality; the
     * usable ones classified; every window through the alert rules. A recording shorter than one window gives the
     * stream nothing to classify, so it shows no alert.
     */
    private Row replay(SprSoundRecording r, float[] samples, FeatureSpec fs, FeatureExtractor extractor,
                       OnnxModel onnx, ModelRef ref, AlertThresholds rule) {
        int rate = fs.sampleRate();
        double hop = hopSeconds != null ? hopSeconds : fs.hopSamples() / (double) rate;
        SignalQuality quality = new SignalQuality(QualityThresholds.DEFAULTS);
        List<float[]> windows = new ArrayList<>();
        List<Long> startMicros = new ArrayList<>();
        for (SlidingWindows.Window w : SlidingWindows.over(samples.length / (double) rate,
                fs.windowSamples() / (double) rate, hop, List.of(), new WindowLabeler())) {
            windows.add(SlidingWindows.samples(samples, rate, w, fs.windowSamples()));
            startMicros.add(Math.round(w.start() * 1e6));
        }
        QualityReport[] reports = new QualityReport[windows.size()];
        List<Integer> usable = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            reports[i] = quality.assess(windows.get(i));
            if (reports[i].usable()) {
                usable.add(i);
            }
        }
        String[] labels = classify(windows, usable, extractor, onnx, fs);
        AlertTracker tracker = new AlertTracker(rule);
        AlertState state = new AlertState();
        RecordingVerdict verdict = new RecordingVerdict();
        long windowMicros = Math.round(fs.windowSamples() * 1e6 / rate);
        for (int i = 0; i < windows.size(); i++) {
            long start = startMicros.get(i);
            boolean inferred = labels[i] != null;
            WindowPrediction p = new WindowPrediction(r.name(), Times.iso(start), Times.iso(start + windowMicros),
                    start, start + windowMicros, inferred, labels[i], Map.of(), reports[i], inferred ? ref : null,
                    Map.of());
            tracker.onPrediction(state, p).forEach(verdict::add);
        }
        return new Row(r, windows.size(), usable.size(),
                Arrays.stream(labels).filter(java.util.Objects::nonNull).toList(), verdict);
    }

    /** Labels of the usable windows (null for the others), in batches of 8 as the stream batches. */
    private static String[] classify(List<float[]> windows, List<Integer> usable, FeatureExtractor extractor,
                                     OnnxModel onnx, FeatureSpec fs) {
        String[] labels = new String[windows.size()];
        int size = fs.targetFrames() * fs.melBins();
        for (int from = 0; from < usable.size(); from += 8) {
            List<Integer> part = usable.subList(from, Math.min(usable.size(), from + 8));
            float[] x = new float[part.size() * size];
            for (int i = 0; i < part.size(); i++) {
                FeatureMatrix m = extractor.modelInput(windows.get(part.get(i)));
                System.arraycopy(m.data(), 0, x, i * size, size);
            }
            Predictions p = onnx.predict(x, part.size());
            for (int i = 0; i < part.size(); i++) {
                labels[part.get(i)] = p.label(i);
            }
        }
        return labels;
    }

    private void report(List<Row> rows, List<String> unreadable, String which, String modelName,
                        AlertThresholds rule) throws IOException {
        ConfusionMatrix confusion = new ConfusionMatrix();
        int poorQuality = 0;
        int poorQualityFlagged = 0;
        int poorQualityAlerted = 0;
        int poorSignalOnClassified = 0;
        int tooShort = 0;
        long windows = 0;
        long usable = 0;
        Map<String, Integer> windowLabels = new java.util.TreeMap<>();
        for (Row row : rows) {
            windows += row.windows();
            row.labels().forEach(l -> windowLabels.merge(l, 1, Integer::sum));
            usable += row.usable();
            if (row.windows() == 0) {
                tooShort++;
            }
            RecordingVerdict v = row.verdict();
            if (row.recording().isPoorQuality()) {
                poorQuality++;
                poorQualityFlagged += v.poorSignal() ? 1 : 0;
                poorQualityAlerted += v.abnormalRaised() > 0 ? 1 : 0;
                continue;
            }
            poorSignalOnClassified += v.poorSignal() ? 1 : 0;
            confusion.add(row.recording().respiratoryClass().orElseThrow(), classOf(v));
        }
        IcbhiScores scores = IcbhiScores.of(confusion);
        String rules = String.format(Locale.ROOT, "alerts at %d of the last %d usable windows", rule.raiseAbnormal(),
                rule.ofLast());
        ObjectNode result = TrainCommand.JSON.createObjectNode();
        result.put("model", modelName);
        result.put("set", which);
        result.put("rule", rules);
        if (bandLimit != null) {
            result.put("bandLimitHz", bandLimit);
        }
        result.put("recordings", rows.size());
        result.put("scored", rows.size() - poorQuality);
        result.put("windows", windows);
        result.put("usableWindows", usable);
        result.set("windowLabels", TrainCommand.JSON.valueToTree(windowLabels));
        result.put("tooShortForAWindow", tooShort);
        result.put("unreadable", unreadable.size());
        result.put("poorQualityRecordings", poorQuality);
        result.put("poorQualityWithPoorSignal", poorQualityFlagged);
        result.put("poorQualityWithAbnormalAlert", poorQualityAlerted);
        result.put("scoredWithPoorSignal", poorSignalOnClassified);
        result.set("scores", TrainCommand.JSON.valueToTree(scores));
        if (out != null) {
            write(rows, result, confusion, which);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(TrainCommand.JSON.writeValueAsString(result));
        } else {
            o.printf(Locale.ROOT, "%s on SPRSound %s, %d recordings replayed as streams (%s%s): %s%n", modelName,
                    which, rows.size(), rules, bandLimit == null ? "" : ", through " + bandLimit + " Hz",
                    scores.summary());
            o.printf(Locale.ROOT, "recall per record label: %s%n", recalls(scores));
            o.printf(Locale.ROOT, "%d windows, %d usable (labelled %s); %d recordings too short for one window (no "
                    + "alert)%n", windows, usable, windowLabels, tooShort);
            o.printf(Locale.ROOT, "Poor Quality recordings (not scored): %d, poor_signal on %d, an abnormal alert on "
                    + "%d; poor_signal on %d scored recordings%n", poorQuality, poorQualityFlagged,
                    poorQualityAlerted, poorSignalOnClassified);
            o.print(table(confusion));
        }
        o.flush();
    }

    /** The confusion matrix as text: a row per record label, a column per label the alerts showed. */
    private static String table(ConfusionMatrix m) {
        List<String> labels = ConfusionMatrix.CLASS_LABELS;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s", "label \\ alerts"));
        labels.forEach(l -> b.append(String.format(Locale.ROOT, "%9s", l)));
        b.append('\n');
        for (int r = 0; r < labels.size(); r++) {
            b.append(String.format(Locale.ROOT, "%-16s", labels.get(r)));
            for (int c = 0; c < labels.size(); c++) {
                b.append(String.format(Locale.ROOT, "%9d", m.get(r, c)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The class the alerts showed. */
    private static RespiratoryClass classOf(RecordingVerdict v) {
        String label = v.label();
        return RespiratoryClass.of(label.equals("crackle") || label.equals("both"),
                label.equals("wheeze") || label.equals("both"));
    }

    private static String recalls(IcbhiScores s) {
        StringBuilder b = new StringBuilder();
        s.recall().forEach((label, r) -> b.append(b.length() == 0 ? "" : ", ").append(label).append(' ')
                .append(IcbhiScores.percent(r)));
        return b.toString();
    }

    private void write(List<Row> rows, ObjectNode result, ConfusionMatrix confusion, String which)
            throws IOException {
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("recording,patient,record_label,windows,usable_windows,alerts_showed,"
                + "abnormal_alerts_raised,poor_signal\n");
        for (Row r : rows) {
            csv.append(String.join(",", r.recording().name(), r.recording().patientId(),
                    r.recording().label().jsonName(), Integer.toString(r.windows()), Integer.toString(r.usable()),
                    r.verdict().label(), Integer.toString(r.verdict().abnormalRaised()),
                    Boolean.toString(r.verdict().poorSignal()))).append('\n');
        }
        Files.writeString(out.resolve("recordings.csv"), csv);
        TrainCommand.JSON.writeValue(out.resolve("scores.json").toFile(), result);
        Plots.confusionMatrix(confusion, "Alerts per recording, SPRSound " + which,
                out.resolve("confusion.png"));
    }
}
