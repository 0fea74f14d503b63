import io.stethostream.ingest.cycles.CycleFit;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.DatasetChoice;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.ValidationSplit;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Per-mel-band statistics of every SPRSound event, as the project's front end sees it, for a classical check of what
 * the log-mel holds (scripts/band-statistics). One CSV row per event: split (train / validation / test, the carve
 * of {@code train --seed SEED}), patient, class index, annotated duration (s), then for each of the 128 mel bins the
 * mean and standard deviation over frames, the standard deviation of the frame-to-frame difference and its largest
 * rise.
 */
public final class BandStatistics {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: BandStatistics SPRSOUND_DIR SEED WINDOW_SECONDS tile|crossfade|event OUT.csv");
            System.exit(2);
        }
        FeatureSpec spec = FeatureSpec.PATCH_MIX.withWindowSeconds(Double.parseDouble(args[2]));
        CycleLoader.Splits splits = CycleLoader.load(DatasetChoice.SPRSOUND, null, Path.of(args[0]), spec,
                (done, total) -> { });
        ValidationSplit.Carved carved = ValidationSplit.carve(splits.train(), ValidationSplit.DEFAULT_FRACTION,
                Long.parseLong(args[1]));
        // "event": the annotated event alone, at its own length; otherwise fitted to the window as training does
        CycleFit fit = args[3].equals("event") ? null : CycleFit.parse(args[3]);
        Rows rows = new Rows(new FeatureExtractor(spec), new CyclePreparer(spec), fit);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[4])))) {
            rows.write(w, "train", carved.train());
            rows.write(w, "validation", carved.validation());
            rows.write(w, "test", splits.test());
        }
    }

    private record Rows(FeatureExtractor extractor, CyclePreparer preparer, CycleFit fit) {

        void write(PrintWriter w, String split, List<LabelledCycle> cycles) {
            for (LabelledCycle c : cycles) {
                float[] x = fit == null ? c.samples() : preparer.fitToLength(c.samples(), fit);
                FeatureMatrix m = extractor.normalised(x);
                StringBuilder row = new StringBuilder(split).append(',').append(c.patient()).append(',')
                        .append(c.label().ordinal()).append(',')
                        .append(String.format(Locale.ROOT, "%.3f", c.end() - c.start()));
                for (int b = 0; b < m.bins(); b++) {
                    row.append(band(m, b));
                }
                w.println(row);
            }
        }

        private static String band(FeatureMatrix m, int b) {
            int frames = m.frames();
            double sum = 0;
            double squares = 0;
            double dSum = 0;
            double dSquares = 0;
            double rise = 0;
            for (int t = 0; t < frames; t++) {
                double v = m.get(t, b);
                sum += v;
                squares += v * v;
                if (t > 0) {
                    double d = v - m.get(t - 1, b);
                    dSum += d;
                    dSquares += d * d;
                    rise = Math.max(rise, d);
                }
            }
            double mean = sum / frames;
            int steps = Math.max(1, frames - 1);
            double dMean = dSum / steps;
            return String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%.4f", mean,
                    Math.sqrt(Math.max(0, squares / frames - mean * mean)),
                    Math.sqrt(Math.max(0, dSquares / steps - dMean * dMean)), rise);
        }
    }
}
