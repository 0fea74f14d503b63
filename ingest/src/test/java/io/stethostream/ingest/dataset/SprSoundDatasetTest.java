package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fake SPRSound folder: three sets, a shared test audio folder, one label file without audio, one stray audio. */
class SprSoundDatasetTest {

    @TempDir
    Path root;

    private void file(String relative, String content) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static String json(String record, String... events) {
        return "{\"record_annotation\": \"" + record + "\", \"event_annotation\": [" + String.join(",", events) + "]}";
    }

    private static String event(int startMs, int endMs, String type) {
        return "{\"start\": \"" + startMs + "\", \"end\": \"" + endMs + "\", \"type\": \"" + type + "\"}";
    }

    @BeforeEach
    void fakeDatabase() throws IOException {
        file("train_classification_json/100_5.0_0_p1_1.json",
                json("DAS", event(0, 1000, "Normal"), event(1000, 1800, "Fine Crackle")));
        file("train_classification_wav/100_5.0_0_p1_1.flac", "x");
        file("train_classification_json/100_5.0_0_p2_2.json", json("Poor Quality"));
        file("train_classification_wav/100_5.0_0_p2_2.wav", "x");
        file("train_classification_json/101_3.2_1_p3_3.json", json("CAS", event(200, 900, "Rhonchi")));
        // 101_3.2_1_p3_3 has no audio.
        file("train_classification_wav/102_1.0_1_p1_4.flac", "x"); // audio without a label file
        file("test_classification_json/2022/inter_test_json/200_2.0_0_p1_5.json",
                json("CAS & DAS", event(0, 500, "Wheeze+Crackle"), event(600, 900, "Stridor")));
        file("test_classification_json/2022/intra_test_json/100_5.1_0_p4_6.json", json("Normal", event(0, 700, "Normal")));
        file("test_classification_wav/2022/200_2.0_0_p1_5.flac", "x");
        file("test_classification_wav/2022/100_5.1_0_p4_6.flac", "x");
    }

    @Test
    void readsRecordingsOfEverySet() throws IOException {
        SprSoundDataset d = SprSoundDataset.load(root);
        assertEquals(5, d.recordings().size());
        assertEquals(3, d.recordings(SprSoundSet.TRAIN_2022).size());
        SprSoundRecording first = d.recordings(SprSoundSet.TRAIN_2022).get(0);
        assertEquals("100_5.0_0_p1_1", first.name());
        assertEquals("100", first.patientId());
        assertEquals(Optional.of(root.resolve("train_classification_wav/100_5.0_0_p1_1.flac")), first.audio());
        assertEquals(Optional.of(RespiratoryClass.CRACKLE), first.respiratoryClass());
        assertEquals(List.of(new Cycle(0, 1, false, false), new Cycle(1, 1.8, true, false)), first.cycles());

        SprSoundRecording poor = d.recordings(SprSoundSet.TRAIN_2022).get(1);
        assertTrue(poor.isPoorQuality());
        assertEquals(Optional.empty(), poor.respiratoryClass());

        SprSoundRecording inter = d.recordings(SprSoundSet.INTER_TEST_2022).get(0);
        assertEquals(Optional.of(root.resolve("test_classification_wav/2022/200_2.0_0_p1_5.flac")), inter.audio());
        assertEquals(SprSoundSet.INTRA_TEST_2022, d.recordings(SprSoundSet.INTRA_TEST_2022).get(0).set());
    }

    @Test
    void reportsPairingMismatches() throws IOException {
        SprSoundDataset d = SprSoundDataset.load(root);
        assertEquals(List.of("train/101_3.2_1_p3_3"), d.annotationsWithoutAudio());
        assertEquals(List.of("train_classification_wav/102_1.0_1_p1_4.flac"), d.audioWithoutAnnotation());
    }

    @Test
    void summaryCountsPerSetLabelTypeAndClass() throws IOException {
        DatasetSummary s = SprSoundDataset.load(root).summary();
        assertEquals("events", s.spanName());
        assertEquals(List.of("train", "inter-test", "intra-test", "all"),
                s.groups().stream().map(GroupCounts::name).toList());
        GroupCounts train = s.group("train").orElseThrow();
        assertEquals(3, train.recordings());
        assertEquals(2, train.withAudio());
        assertEquals(Map.of("Normal", 0, "CAS", 1, "DAS", 1, "CAS & DAS", 0, "Poor Quality", 1), train.recordLabels());
        assertEquals(1, train.eventTypes().get("Rhonchi"));
        assertEquals(Map.of("normal", 1, "crackle", 1, "wheeze", 1, "both", 0), train.cycles());
        assertEquals(Map.of("normal", 1, "crackle", 1, "wheeze", 0, "both", 0), train.cyclesWithAudio());
        GroupCounts all = s.group("all").orElseThrow();
        assertEquals(5, all.recordings());
        assertEquals(Map.of("normal", 2, "crackle", 1, "wheeze", 2, "both", 1), all.cycles());
        assertEquals(List.of("train/101_3.2_1_p3_3"), s.issue("annotationsWithoutAudio"));
        assertEquals(List.of(), s.issue("missingFolders"));
    }

    @Test
    void absentSetFoldersAreReportedAndAbsentDatabaseIsAnError() throws IOException {
        Path onlyTrain = root.resolve("only-train");
        Files.createDirectories(onlyTrain.resolve("train_classification_json"));
        Files.writeString(onlyTrain.resolve("train_classification_json/1_1.0_0_p1_1.json"), json("Normal"));
        DatasetSummary s = SprSoundDataset.load(onlyTrain).summary();
        assertEquals(List.of("test_classification_json/2022/inter_test_json",
                "test_classification_json/2022/intra_test_json", "train_classification_wav"), s.issue("missingFolders"));
        assertEquals(List.of("train/1_1.0_0_p1_1"), s.issue("annotationsWithoutAudio"));

        Path empty = Files.createDirectory(root.resolve("empty"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundDataset.load(empty));
        assertTrue(e.getMessage().startsWith(empty + ": no SPRSound label folders"), e.getMessage());
        assertThrows(DatasetFormatException.class, () -> SprSoundDataset.load(root.resolve("missing")));
    }

    @Test
    void malformedLabelFileNamesTheFile() throws IOException {
        file("test_classification_json/2022/intra_test_json/100_5.1_0_p4_7.json", "{\"record_annotation\": ");
        Path bad = root.resolve("test_classification_json/2022/intra_test_json/100_5.1_0_p4_7.json");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundDataset.load(root));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }

    @Test
    void reportsProgressOncePerLabelFile() throws IOException {
        List<String> calls = new java.util.ArrayList<>();
        SprSoundDataset.load(root, (done, total) -> calls.add(done + "/" + total));
        assertEquals(List.of("1/5", "2/5", "3/5", "4/5", "5/5"), calls);
    }
}
