package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcbhiSplitTest {

    @TempDir
    Path dir;

    private static List<IcbhiRecordingName> names(String... names) {
        return java.util.Arrays.stream(names).map(n -> IcbhiRecordingName.parse(n).orElseThrow()).toList();
    }

    @Test
    void readsCrlfLinesWithTabsOrSpaces() throws IOException {
        Path f = dir.resolve(IcbhiSplit.FILE_NAME);
        Files.writeString(f, "101_1b1_Al_sc_Meditron\ttest\r\n102_1b1_Ar_sc_Meditron   TRAIN\r\n\r\n");
        assertEquals(List.of(new IcbhiSplit.Entry("101_1b1_Al_sc_Meditron", Split.TEST, 1),
                new IcbhiSplit.Entry("102_1b1_Ar_sc_Meditron", Split.TRAIN, 2)), IcbhiSplit.read(f));
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path f = dir.resolve(IcbhiSplit.FILE_NAME);
        Files.writeString(f, "101_1b1_Al_sc_Meditron\ttest\r\n102_1b1_Ar_sc_Meditron\tvalidation\r\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiSplit.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: unknown split 'validation'"), e.getMessage());
    }

    @Test
    void exactNamesWinAndDeviceMismatchFallsBackWhenUnique() {
        var entries = List.of(new IcbhiSplit.Entry("226_1b1_Pl_sc_Meditron", Split.TRAIN, 1),
                new IcbhiSplit.Entry("101_1b1_Al_sc_Meditron", Split.TEST, 2));
        var r = IcbhiSplit.resolve(entries, names("101_1b1_Al_sc_Meditron", "226_1b1_Pl_sc_LittC2SE"));
        assertEquals(Map.of("226_1b1_Pl_sc_LittC2SE", Split.TRAIN, "101_1b1_Al_sc_Meditron", Split.TEST),
                r.byRecording());
        assertEquals(Map.of("226_1b1_Pl_sc_Meditron", "226_1b1_Pl_sc_LittC2SE"), r.matchedIgnoringDevice());
        assertTrue(r.unresolved().isEmpty());
    }

    @Test
    void fallbackNeverTakesARecordingMatchedExactly() {
        // The inexact entry comes first in the file, yet the exact entry keeps its recording.
        var entries = List.of(new IcbhiSplit.Entry("101_1b1_Al_sc_AKGC417L", Split.TRAIN, 1),
                new IcbhiSplit.Entry("101_1b1_Al_sc_Meditron", Split.TEST, 2));
        var r = IcbhiSplit.resolve(entries, names("101_1b1_Al_sc_Meditron"));
        assertEquals(Map.of("101_1b1_Al_sc_Meditron", Split.TEST), r.byRecording());
        assertEquals(List.of("101_1b1_Al_sc_AKGC417L (line 1: no such recording)"), r.unresolved());
    }

    @Test
    void ambiguousAndUnknownAndDuplicateEntriesAreReportedNotFatal() {
        var entries = List.of(new IcbhiSplit.Entry("130_1p2_Al_mc_Meditron", Split.TRAIN, 1),
                new IcbhiSplit.Entry("999_1b1_Al_sc_Meditron", Split.TEST, 2),
                new IcbhiSplit.Entry("not a recording", Split.TEST, 3),
                new IcbhiSplit.Entry("101_1b1_Al_sc_Meditron", Split.TEST, 4),
                new IcbhiSplit.Entry("101_1b1_Al_sc_Meditron", Split.TRAIN, 5));
        var r = IcbhiSplit.resolve(entries,
                names("130_1p2_Al_mc_AKGC417L", "130_1p2_Al_mc_LittC2SE", "101_1b1_Al_sc_Meditron"));
        assertEquals(Map.of("101_1b1_Al_sc_Meditron", Split.TEST), r.byRecording());
        assertEquals(4, r.unresolved().size(), r.unresolved().toString());
        assertTrue(r.unresolved().get(0).contains("line 5: listed twice"));
        assertTrue(r.unresolved().get(1).startsWith("130_1p2_Al_mc_Meditron (line 1: ambiguous"));
        assertTrue(r.unresolved().get(2).contains("line 2: no such recording"));
        assertTrue(r.unresolved().get(3).contains("line 3: no such recording"));
    }
}
