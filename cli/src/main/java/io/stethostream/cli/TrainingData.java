package io.stethostream.cli;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.DatasetChoice;
import io.stethostream.training.data.TrainingUnits;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dataset options shared by {@code train} and {@code evaluate}, and loading the cycles they name. */
final class TrainingData {

    @Option(names = "--dataset", paramLabel = "icbhi|sprsound|both",
            description = "Which database to train or score on (default with --resume / --checkpoint: the run's).")
    String dataset;

    @Option(names = "--root", paramLabel = "DIR", description = {"The database folder (icbhi, sprsound) or, for "
            + "'both', the folder holding icbhi/ and sprsound/ (default: ../shared/data for 'both').",
            "--icbhi-root / --sprsound-root name them separately."})
    Path root;

    @Option(names = "--icbhi-root", paramLabel = "DIR", description = "ICBHI folder (overrides --root).")
    Path icbhiRoot;

    @Option(names = "--sprsound-root", paramLabel = "DIR", description = "SPRSound folder (overrides --root).")
    Path sprsoundRoot;

    @Option(names = "--units", paramLabel = "events|windows|context", description = {"What an example is: events = "
            + "the annotated cycles and events fitted to the window (the paper's and the datasets' official task); "
            + "windows = the windows the stream classifies, of the model's length at its hop from the start of each "
            + "recording, labelled by the annotated spans they overlap (unlabelled ones left out); context = each "
            + "annotated event as the window of its recording centred on it, labelled by the event (what the stream "
            + "hears of an event).",
            "Default: events, or with --resume / --checkpoint the run's."})
    String units;

    /** Fills what the command line left out from a run's configuration (resume, evaluate). */
    void defaults(String runDataset, String runIcbhiRoot, String runSprsoundRoot, String runUnits) {
        if (units == null) {
            units = runUnits;
        }
        if (dataset == null) {
            dataset = runDataset;
            if (root == null && icbhiRoot == null && runIcbhiRoot != null) {
                icbhiRoot = Path.of(runIcbhiRoot);
            }
            if (root == null && sprsoundRoot == null && runSprsoundRoot != null) {
                sprsoundRoot = Path.of(runSprsoundRoot);
            }
        }
    }

    /** The units to load: --units, else the run's, else events. */
    TrainingUnits units() {
        try {
            return TrainingUnits.parse(units);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--units: " + e.getMessage(), e);
        }
    }

    DatasetChoice choice() {
        if (dataset == null) {
            throw new InvalidInputException("--dataset is required (icbhi, sprsound or both)");
        }
        try {
            return DatasetChoice.parse(dataset);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    Path icbhi() {
        if (icbhiRoot != null) {
            return icbhiRoot;
        }
        if (!choice().includesIcbhi()) {
            return null;
        }
        return choice() == DatasetChoice.BOTH ? base().resolve("icbhi") : required(root);
    }

    Path sprsound() {
        if (sprsoundRoot != null) {
            return sprsoundRoot;
        }
        if (!choice().includesSprSound()) {
            return null;
        }
        return choice() == DatasetChoice.BOTH ? base().resolve("sprsound") : required(root);
    }

    private Path base() {
        return root != null ? root : Path.of("..", "shared", "data");
    }

    private Path required(Path p) {
        if (p == null) {
            throw new InvalidInputException("--root is required for --dataset " + dataset);
        }
        return p;
    }

    /** Loads the cycles with a progress bar on {@code err}; a missing folder is the user's error. */
    CycleLoader.Splits load(FeatureSpec spec, PrintWriter err) throws IOException {
        for (Path p : new Path[] {icbhi(), sprsound()}) {
            if (p != null && !Files.isDirectory(p)) {
                throw new InvalidInputException("dataset folder does not exist: " + p.toAbsolutePath());
            }
        }
        try (ProgressReporter progress = new ProgressReporter(err, "Loading " + choice().label())) {
            return CycleLoader.load(choice(), icbhi(), sprsound(), spec, units(), progress);
        } catch (io.stethostream.ingest.dataset.DatasetFormatException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
