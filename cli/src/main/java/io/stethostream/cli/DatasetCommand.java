package io.stethostream.cli;

import io.stethostream.ingest.dataset.DatasetFormatException;
import io.stethostream.ingest.dataset.DatasetSummary;
import io.stethostream.ingest.dataset.IcbhiDataset;
import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.dataset.SprSoundDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stethostream dataset icbhi|sprsound --root DIR [--json]}: scans a database and prints its counts. */
@Command(name = "dataset",
        description = "Scan a respiratory-sound database and print recordings and labels per split and class.",
        subcommands = {DatasetCommand.Icbhi.class, DatasetCommand.SprSound.class})
public final class DatasetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** What both dataset subcommands share: the root and output options, the progress bar, and error mapping. */
    abstract static class Scan implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--root", required = true, paramLabel = "DIR", description = "The database folder.")
        Path root;

        @Option(names = "--json", description = "Print the summary as JSON instead of tables.")
        boolean json;

        /** Reads the database; audio is located, not decoded. */
        abstract DatasetSummary scan(Path root, ScanProgress progress) throws IOException;

        /** How the dataset is named in messages. */
        abstract String title();

        @Override
        public Integer call() throws IOException {
            if (!Files.exists(root)) {
                throw new InvalidInputException(title() + " root does not exist: " + root.toAbsolutePath());
            }
            if (!Files.isDirectory(root)) {
                throw new InvalidInputException(title() + " root is not a folder: " + root.toAbsolutePath());
            }
            DatasetSummary summary;
            try (ProgressReporter progress = new ProgressReporter(spec.commandLine().getErr(), "Scanning " + title())) {
                summary = scan(root, progress);
            } catch (DatasetFormatException e) {
                // A malformed dataset is the user's input, not an I/O failure: exit BAD_INPUT with the file and line.
                throw new InvalidInputException(e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? summary.toJson() + System.lineSeparator() : summary.toTable());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "icbhi", mixinStandardHelpOptions = true,
            description = {"ICBHI 2017: cycles per official split and class, recordings with audio, split-name problems.",
                    "DIR holds ICBHI_challenge_train_test.txt and audio_and_txt_files/ (or the .txt files directly)."})
    static final class Icbhi extends Scan {
        @Override
        DatasetSummary scan(Path root, ScanProgress progress) throws IOException {
            return IcbhiDataset.load(root, progress).summary();
        }

        @Override
        String title() {
            return "ICBHI";
        }
    }

    @Command(name = "sprsound", mixinStandardHelpOptions = true,
            description = {"SPRSound: record labels, event types and classes per set, audio/label pairing problems.",
                    "DIR holds train_classification_{wav,json}/ and test_classification_{wav,json}/2022/."})
    static final class SprSound extends Scan {
        @Override
        DatasetSummary scan(Path root, ScanProgress progress) throws IOException {
            return SprSoundDataset.load(root, progress).summary();
        }

        @Override
        String title() {
            return "SPRSound";
        }
    }
}
