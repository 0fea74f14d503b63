package io.stethostream.cli;

import io.stethostream.ingest.dataset.DatasetSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.stethostream.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real command line on small fake databases. */
class DatasetCommandTest {

    @TempDir
    Path dir;

    private Path fakeIcbhi() throws IOException {
        Path root = Files.createDirectory(dir.resolve("icbhi"));
        Path files = Files.createDirectory(root.resolve("audio_and_txt_files"));
        Files.writeString(files.resolve("101_1b1_Al_sc_Meditron.txt"), "0.036\t0.579\t0\t0\r\n0.579\t2.45\t1\t0\r\n");
        Files.write(files.resolve("101_1b1_Al_sc_Meditron.flac"), new byte[]{1});
        Files.writeString(files.resolve("226_1b1_Pl_sc_LittC2SE.txt"), "0.2 1.3 1 1\n");
        Files.writeString(root.resolve("ICBHI_challenge_train_test.txt"),
                "101_1b1_Al_sc_Meditron\ttrain\r\n226_1b1_Pl_sc_Meditron\ttest\r\n");
        return root;
    }

    @Test
    void icbhiTablesShowCountsPerSplitAndClass() throws IOException {
        Path root = fakeIcbhi();
        CliResult r = run("dataset", "icbhi", "--root", root.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("dataset icbhi at " + root + "\n"), r.out());
        assertTrue(r.out().contains("cycles  total  normal  crackle  wheeze  both\n"
                + "train       2       1        1       0     0\n"
                + "test        1       0        0       0     1\n"
                + "all         3       1        1       0     1\n"), r.out());
        assertTrue(r.out().contains("split entries matched ignoring device: 1\n"
                + "  226_1b1_Pl_sc_Meditron -> 226_1b1_Pl_sc_LittC2SE\n"), r.out());
        assertTrue(r.err().contains("Scanning ICBHI"), "progress bar on stderr: " + r.err());
        assertTrue(r.err().contains("2/2"), r.err());
    }

    @Test
    void sprSoundJsonParsesBackWithCounts() throws IOException {
        Path root = dir.resolve("sprsound");
        Files.createDirectories(root.resolve("train_classification_json"));
        Files.createDirectories(root.resolve("train_classification_wav"));
        Files.writeString(root.resolve("train_classification_json/100_5.0_0_p1_1.json"),
                "{\"record_annotation\": \"CAS\", \"event_annotation\": [{\"start\": \"0\", \"end\": \"900\", "
                        + "\"type\": \"Rhonchi\"}, {\"start\": \"1000\", \"end\": \"1900\", \"type\": \"Normal\"}]}");
        Files.write(root.resolve("train_classification_wav/100_5.0_0_p1_1.wav"), new byte[]{1});
        CliResult r = run("dataset", "sprsound", "--root", root.toString(), "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        DatasetSummary s = DatasetSummary.fromJson(r.out());
        assertEquals(1, s.group("train").orElseThrow().recordings());
        assertEquals(1, s.group("train").orElseThrow().recordLabels().get("CAS"));
        assertEquals(Map.of("normal", 1, "crackle", 0, "wheeze", 1, "both", 0), s.group("all").orElseThrow().cycles());
        assertEquals(2, s.issue("missingFolders").size(), "both test sets absent");
    }

    @Test
    void missingRootExitsBadInputNamingThePath() {
        Path missing = dir.resolve("no-such-database");
        CliResult r = run("dataset", "icbhi", "--root", missing.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains(missing.toAbsolutePath().toString()), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void folderWithoutTheDatasetExitsBadInput() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliResult r = run("dataset", "sprsound", "--root", empty.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("error: " + empty + ": no SPRSound label folders"), r.err());
    }

    @Test
    void malformedAnnotationExitsBadInputNamingFileAndLine() throws IOException {
        Path root = fakeIcbhi();
        Path bad = root.resolve("audio_and_txt_files/104_1b1_Al_sc_Litt3200.txt");
        Files.writeString(bad, "0.1\t0.5\t0\t0\n0.5\tx\t0\t0\n");
        CliResult r = run("dataset", "icbhi", "--root", root.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("error: " + bad + ":2: end is not a number"), r.err());
    }

    @Test
    void rootIsRequired() {
        CliResult r = run("dataset", "icbhi");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("Missing required option: '--root=DIR'"), r.err());
    }
}
