package io.stethostream.cli;

import io.stethostream.ingest.dataset.DatasetSummary;
import io.stethostream.ingest.dataset.GroupCounts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code dataset ... --json} on the real databases in ../shared/data. */
@Tag("shared-data")
class DatasetCommandSharedDataTest {

    private static DatasetSummary scan(String dataset) throws IOException {
        Path root = Path.of(System.getProperty("stethostream.shared.data"), dataset);
        CliResult r = CliResult.run("dataset", dataset, "--root", root.toString(), "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        return DatasetSummary.fromJson(r.out());
    }

    @Test
    void icbhiCounts() throws IOException {
        DatasetSummary s = scan("icbhi");
        GroupCounts all = s.group("all").orElseThrow();
        assertEquals(920, all.recordings());
        assertEquals(Map.of("normal", 3642, "crackle", 1864, "wheeze", 886, "both", 506), all.cycles());
        assertEquals(123, all.withAudio());
        assertEquals(Map.of("normal", 691, "crackle", 207, "wheeze", 165, "both", 37), all.cyclesWithAudio());
        assertEquals(539, s.group("train").orElseThrow().recordings());
        assertEquals(381, s.group("test").orElseThrow().recordings());
        assertEquals(Map.of("normal", 2063, "crackle", 1215, "wheeze", 501, "both", 363),
                s.group("train").orElseThrow().cycles());
        assertEquals(Map.of("normal", 1579, "crackle", 649, "wheeze", 385, "both", 143),
                s.group("test").orElseThrow().cycles());
        assertEquals(List.of("226_1b1_Pl_sc_Meditron -> 226_1b1_Pl_sc_LittC2SE"),
                s.issue("splitEntriesMatchedIgnoringDevice"));
        assertEquals(List.of(), s.issue("unresolvedSplitEntries"));
    }

    @Test
    void sprSoundCounts() throws IOException {
        DatasetSummary s = scan("sprsound");
        GroupCounts train = s.group("train").orElseThrow();
        assertEquals(1949, train.recordings());
        assertEquals(Map.of("Normal", 1303, "DAS", 248, "CAS", 126, "CAS & DAS", 95, "Poor Quality", 177),
                train.recordLabels());
        assertEquals(Map.of("Normal", 5159, "Fine Crackle", 912, "Coarse Crackle", 49, "Wheeze", 452, "Rhonchi", 39,
                "Stridor", 15, "Wheeze+Crackle", 30), train.eventTypes());
        assertEquals(355, s.group("inter-test").orElseThrow().recordings());
        assertEquals(379, s.group("intra-test").orElseThrow().recordings());
        assertEquals(List.of(), s.issue("annotationsWithoutAudio"));
        assertEquals(List.of(), s.issue("audioWithoutAnnotation"));
    }
}
