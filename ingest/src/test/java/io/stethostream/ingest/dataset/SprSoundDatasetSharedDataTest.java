package io.stethostream.ingest.dataset;

import io.stethostream.ingest.SharedData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact counts of the SPRSound copy in ../shared/data/sprsound (data README). */
@Tag("shared-data")
class SprSoundDatasetSharedDataTest {

    static SprSoundDataset dataset;
    static DatasetSummary summary;

    @BeforeAll
    static void load() throws IOException {
        dataset = SprSoundDataset.load(SharedData.dir("sprsound"));
        summary = dataset.summary();
    }

    @Test
    void trainingSetRecordLabels() {
        GroupCounts train = summary.group("train").orElseThrow();
        assertEquals(1949, train.recordings());
        assertEquals(Map.of("Normal", 1303, "DAS", 248, "CAS", 126, "CAS & DAS", 95, "Poor Quality", 177),
                train.recordLabels());
    }

    @Test
    void trainingSetEventTypesAndTheirClasses() {
        GroupCounts train = summary.group("train").orElseThrow();
        assertEquals(Map.of("Normal", 5159, "Fine Crackle", 912, "Coarse Crackle", 49, "Wheeze", 452, "Rhonchi", 39,
                "Stridor", 15, "Wheeze+Crackle", 30), train.eventTypes());
        // crackle = fine + coarse; wheeze = wheeze + rhonchi + stridor.
        assertEquals(Map.of("normal", 5159, "crackle", 961, "wheeze", 506, "both", 30), train.cycles());
    }

    @Test
    void testSets() {
        assertEquals(355, summary.group("inter-test").orElseThrow().recordings());
        assertEquals(379, summary.group("intra-test").orElseThrow().recordings());
        assertEquals(2683, summary.group("all").orElseThrow().recordings());
    }

    @Test
    void everyLabelFileHasItsAudioAndViceVersa() {
        assertEquals(2683, summary.group("all").orElseThrow().withAudio());
        assertEquals(List.of(), summary.issue("annotationsWithoutAudio"));
        assertEquals(List.of(), summary.issue("audioWithoutAnnotation"));
        assertEquals(List.of(), summary.issue("missingFolders"));
    }

    @Test
    void interPatientTestPatientsAreNotInTrainingButIntraPatientOnesAre() {
        Set<String> train = patients(SprSoundSet.TRAIN_2022);
        assertTrue(patients(SprSoundSet.INTER_TEST_2022).stream().noneMatch(train::contains));
        assertTrue(train.containsAll(patients(SprSoundSet.INTRA_TEST_2022)));
    }

    private static Set<String> patients(SprSoundSet set) {
        return dataset.recordings(set).stream().map(SprSoundRecording::patientId).collect(Collectors.toSet());
    }
}
