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

/** A fake ICBHI folder with the quirks of the real one: CRLF split file, a renamed device, missing audio, stray .txt. */
class IcbhiDatasetTest {

    @TempDir
    Path root;
    Path recordings;

    @BeforeEach
    void fakeDatabase() throws IOException {
        recordings = Files.createDirectory(root.resolve(IcbhiDataset.RECORDINGS_FOLDER));
        // Tabs and LF, as in the distributed files; audio as FLAC.
        Files.writeString(recordings.resolve("101_1b1_Al_sc_Meditron.txt"), "0.036\t0.579\t0\t0\n0.579\t2.45\t1\t0\n");
        Files.write(recordings.resolve("101_1b1_Al_sc_Meditron.flac"), new byte[]{1});
        // Spaces and CRLF; both WAV and FLAC present.
        Files.writeString(recordings.resolve("102_1b1_Ar_sc_Meditron.txt"), "0.1 1.0 0 1\r\n1.0 2.0 1 1\r\n");
        Files.write(recordings.resolve("102_1b1_Ar_sc_Meditron.flac"), new byte[]{1});
        Files.write(recordings.resolve("102_1b1_Ar_sc_Meditron.wav"), new byte[]{1});
        // No audio; its split entry names another device.
        Files.writeString(recordings.resolve("226_1b1_Pl_sc_LittC2SE.txt"), "0.2\t1.3\t0\t0\n");
        // No split entry, audio as WAV only.
        Files.writeString(recordings.resolve("130_1p2_Al_mc_AKGC417L.txt"), "0.5\t1.5\t1\t0\n");
        Files.write(recordings.resolve("130_1p2_Al_mc_AKGC417L.wav"), new byte[]{1});
        // Not recordings: must be ignored, even though they are .txt files.
        Files.writeString(recordings.resolve("README.txt"), "this is not an annotation file\n");
        Files.writeString(recordings.resolve("filename_differences.txt"), "'101_1b1_Al_sc_AKGC417L'\n");
        // Audio that no annotation names.
        Files.write(recordings.resolve("999_1b1_Al_sc_Meditron.wav"), new byte[]{1});
        Files.writeString(root.resolve(IcbhiSplit.FILE_NAME), "101_1b1_Al_sc_Meditron\ttrain\r\n"
                + "102_1b1_Ar_sc_Meditron\ttest\r\n226_1b1_Pl_sc_Meditron\ttest\r\n200_1b1_Al_sc_Meditron\ttrain\r\n");
    }

    @Test
    void readsRecordingsCyclesAudioAndSplit() throws IOException {
        IcbhiDataset d = IcbhiDataset.load(root);
        assertEquals(List.of("101_1b1_Al_sc_Meditron", "102_1b1_Ar_sc_Meditron", "130_1p2_Al_mc_AKGC417L",
                "226_1b1_Pl_sc_LittC2SE"), d.recordings().stream().map(IcbhiRecording::name).toList());

        IcbhiRecording r101 = d.recording("101_1b1_Al_sc_Meditron").orElseThrow();
        assertEquals(101, r101.patientId());
        assertEquals("Al", r101.id().chestLocation());
        assertEquals(Optional.of(recordings.resolve("101_1b1_Al_sc_Meditron.flac")), r101.audio());
        assertEquals(Optional.of(Split.TRAIN), r101.split());
        assertEquals(List.of(new Cycle(0.036, 0.579, false, false), new Cycle(0.579, 2.45, true, false)), r101.cycles());

        IcbhiRecording r102 = d.recording("102_1b1_Ar_sc_Meditron").orElseThrow();
        assertEquals(Optional.of(recordings.resolve("102_1b1_Ar_sc_Meditron.wav")), r102.audio(), "WAV preferred");
        assertEquals(List.of(RespiratoryClass.WHEEZE, RespiratoryClass.BOTH),
                r102.cycles().stream().map(Cycle::label).toList());

        IcbhiRecording r226 = d.recording("226_1b1_Pl_sc_LittC2SE").orElseThrow();
        assertTrue(r226.audio().isEmpty());
        assertEquals(Optional.of(Split.TEST), r226.split());
    }

    @Test
    void reportsNamingProblemsWithoutFailing() throws IOException {
        IcbhiDataset d = IcbhiDataset.load(root);
        assertEquals(Map.of("226_1b1_Pl_sc_Meditron", "226_1b1_Pl_sc_LittC2SE"), d.splitEntriesMatchedIgnoringDevice());
        assertEquals(List.of("200_1b1_Al_sc_Meditron (line 4: no such recording)"), d.unresolvedSplitEntries());
        assertEquals(List.of("130_1p2_Al_mc_AKGC417L"), d.recordingsWithoutSplit());
        assertEquals(3, d.recordingsWithAudio().size());
        assertEquals(1, d.recordings(Split.TRAIN).size());
        assertEquals(2, d.recordings(Split.TEST).size());
    }

    @Test
    void summaryCountsPerSplitClassAndAudio() throws IOException {
        DatasetSummary s = IcbhiDataset.load(root).summary();
        assertEquals(List.of("train", "test", "unsplit", "all"), s.groups().stream().map(GroupCounts::name).toList());
        GroupCounts all = s.group("all").orElseThrow();
        assertEquals(4, all.recordings());
        assertEquals(3, all.withAudio());
        assertEquals(1, all.withoutAudio());
        assertEquals(Map.of("normal", 2, "crackle", 2, "wheeze", 1, "both", 1), all.cycles());
        assertEquals(Map.of("normal", 1, "crackle", 2, "wheeze", 1, "both", 1), all.cyclesWithAudio());
        GroupCounts test = s.group("test").orElseThrow();
        assertEquals(2, test.recordings());
        assertEquals(3, test.cycleTotal());
        assertEquals(2, test.cycleTotalWithAudio());
        assertEquals(List.of("226_1b1_Pl_sc_Meditron -> 226_1b1_Pl_sc_LittC2SE"),
                s.issue("splitEntriesMatchedIgnoringDevice"));
        assertEquals(List.of("999_1b1_Al_sc_Meditron.wav"), s.issue("audioWithoutAnnotation"));
        assertEquals(List.of(), s.issue("missingFiles"));
    }

    @Test
    void reportsProgressOncePerAnnotationFile() throws IOException {
        List<String> calls = new java.util.ArrayList<>();
        IcbhiDataset.load(root, (done, total) -> calls.add(done + "/" + total));
        assertEquals(List.of("1/4", "2/4", "3/4", "4/4"), calls);
    }

    @Test
    void acceptsFilesDirectlyInRootAndAMissingSplitFile() throws IOException {
        Path flat = Files.createDirectory(root.resolve("flat"));
        Files.writeString(flat.resolve("101_1b1_Al_sc_Meditron.txt"), "0.036\t0.579\t0\t1\n");
        Files.write(flat.resolve("101_1b1_Al_sc_Meditron.wav"), new byte[]{1});
        IcbhiDataset d = IcbhiDataset.load(flat);
        assertEquals(1, d.recordings().size());
        assertTrue(d.recordings().get(0).hasAudio());
        assertEquals(List.of("101_1b1_Al_sc_Meditron"), d.recordingsWithoutSplit());
        assertEquals(List.of(flat.resolve(IcbhiSplit.FILE_NAME).toString()), d.summary().issue("missingFiles"));
    }

    @Test
    void malformedAnnotationNamesFileAndLine() throws IOException {
        Path bad = recordings.resolve("104_1b1_Al_sc_Litt3200.txt");
        Files.writeString(bad, "0.1\t0.5\t0\t0\r\n0.5\t0.9\t0\r\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiDataset.load(root));
        assertTrue(e.getMessage().startsWith(bad + ":2: expected 4 fields"), e.getMessage());
    }

    @Test
    void missingRootOrEmptyFolderIsAClearError() throws IOException {
        Path missing = root.resolve("nope");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiDataset.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path empty = Files.createDirectory(root.resolve("empty"));
        e = assertThrows(DatasetFormatException.class, () -> IcbhiDataset.load(empty));
        assertTrue(e.getMessage().contains("no ICBHI annotation files"), e.getMessage());
    }
}
