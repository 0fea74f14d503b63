package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetSummaryTest {

    private static DatasetSummary icbhiLike() {
        GroupCounts train = new GroupCounts.Builder("train")
                .addRecording(true, List.of(new Cycle(0, 1, false, false), new Cycle(1, 2, true, true)))
                .addRecording(false, List.of(new Cycle(0, 1, false, true))).build();
        GroupCounts all = new GroupCounts.Builder("all")
                .addRecording(true, List.of(new Cycle(0, 1, false, false), new Cycle(1, 2, true, true)))
                .addRecording(false, List.of(new Cycle(0, 1, false, true))).build();
        Map<String, List<String>> issues = new LinkedHashMap<>();
        issues.put("unresolvedSplitEntries", List.of("a (line 1: no such recording)"));
        issues.put("recordingsWithoutSplit", IntStream.range(0, 12).mapToObj(i -> "rec" + i).toList());
        return new DatasetSummary("icbhi", "/data/icbhi", "cycles", List.of(train, all), issues);
    }

    @Test
    void jsonRoundTripsAndLeavesOutEmptyLabelMaps() throws IOException {
        DatasetSummary s = icbhiLike();
        String json = s.toJson();
        assertEquals(s, DatasetSummary.fromJson(json));
        assertTrue(json.contains("\"withAudio\" : 1"), json);
        assertFalse(json.contains("recordLabels"), json);
    }

    @Test
    void sprSoundStyleJsonKeepsLabelMapsInOrder() throws IOException {
        GroupCounts g = new GroupCounts.Builder("train", List.of("Normal", "CAS"), List.of("Wheeze"))
                .countRecordLabel("CAS").countEventType("Wheeze").build();
        DatasetSummary s = new DatasetSummary("sprsound", "/r", "events", List.of(g), Map.of());
        DatasetSummary back = DatasetSummary.fromJson(s.toJson());
        assertEquals(s, back);
        assertEquals(List.of("Normal", "CAS"), List.copyOf(back.groups().get(0).recordLabels().keySet()));
    }

    @Test
    void tableListsGroupsClassesAndShortensLongIssues() {
        String table = icbhiLike().toTable();
        assertTrue(table.startsWith("dataset icbhi at /data/icbhi\n"), table);
        assertTrue(table.contains("cycles  total  normal  crackle  wheeze  both\n"
                + "train       3       1        0       1     1\n"), table);
        assertTrue(table.contains("recordings  total  with audio  without audio\n"
                + "train           2           1              1\n"), table);
        assertTrue(table.contains("unresolved split entries: 1\n  a (line 1: no such recording)\n"), table);
        assertTrue(table.contains("recordings without split: 12\n"), table);
        assertTrue(table.contains("  ... and 2 more (see --json)\n"), table);
        assertFalse(table.contains("rec10"), table);
    }
}
