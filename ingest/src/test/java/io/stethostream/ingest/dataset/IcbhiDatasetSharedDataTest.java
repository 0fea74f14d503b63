package io.stethostream.ingest.dataset;

import io.stethostream.ingest.SharedData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact counts of the ICBHI copy in ../shared/data/icbhi (data README and spec section 1). */
@Tag("shared-data")
class IcbhiDatasetSharedDataTest {

    static IcbhiDataset dataset;
    static DatasetSummary summary;

    @BeforeAll
    static void load() throws IOException {
        dataset = IcbhiDataset.load(SharedData.dir("icbhi"));
        summary = dataset.summary();
    }

    private static Map<String, Integer> classes(int normal, int crackle, int wheeze, int both) {
        return Map.of("normal", normal, "crackle", crackle, "wheeze", wheeze, "both", both);
    }

    @Test
    void allAnnotationFilesAndCycles() {
        GroupCounts all = summary.group("all").orElseThrow();
        assertEquals(920, all.recordings());
        assertEquals(6898, all.cycleTotal());
        assertEquals(classes(3642, 1864, 886, 506), all.cycles());
    }

    @Test
    void officialSplitRecordingsAndCycles() {
        GroupCounts train = summary.group("train").orElseThrow();
        GroupCounts test = summary.group("test").orElseThrow();
        assertEquals(539, train.recordings());
        assertEquals(381, test.recordings());
        assertEquals(4142, train.cycleTotal());
        assertEquals(2756, test.cycleTotal());
        assertEquals(classes(2063, 1215, 501, 363), train.cycles());
        assertEquals(classes(1579, 649, 385, 143), test.cycles());
        assertTrue(summary.group("unsplit").isEmpty());
    }

    @Test
    void splitNameMismatchIsResolvedByDevicelessName() {
        assertEquals(Map.of("226_1b1_Pl_sc_Meditron", "226_1b1_Pl_sc_LittC2SE"),
                dataset.splitEntriesMatchedIgnoringDevice());
        assertEquals(List.of(), dataset.unresolvedSplitEntries());
        assertEquals(List.of(), dataset.recordingsWithoutSplit());
        assertEquals(Split.TRAIN, dataset.recording("226_1b1_Pl_sc_LittC2SE").orElseThrow().split().orElseThrow());
    }

    @Test
    void recordingsWithAudio() {
        GroupCounts all = summary.group("all").orElseThrow();
        assertEquals(123, all.withAudio());
        assertEquals(797, all.withoutAudio());
        assertEquals(1100, all.cycleTotalWithAudio());
        assertEquals(classes(691, 207, 165, 37), all.cyclesWithAudio());
        assertEquals(50, dataset.recordingsWithAudio().stream().mapToInt(IcbhiRecording::patientId).distinct().count());
        assertTrue(dataset.recordingsWithAudio().stream()
                .allMatch(r -> r.audio().orElseThrow().getFileName().toString().endsWith(".flac")));
        assertEquals(List.of(), summary.issue("audioWithoutAnnotation"));
        assertEquals(List.of(), summary.issue("missingFiles"));
    }

    @Test
    void patientsInBothSplitsAreTheTwoTheProtocolNames() {
        var trainPatients = dataset.recordings(Split.TRAIN).stream().map(IcbhiRecording::patientId).distinct().toList();
        var both = dataset.recordings(Split.TEST).stream().map(IcbhiRecording::patientId).distinct()
                .filter(trainPatients::contains).sorted().toList();
        assertEquals(List.of(156, 218), both);
    }
}
