package io.stethostream.training.data;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.audio.WavWriter;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.RespiratoryClass;
import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.features.FeatureSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny fake databases. ICBHI: 101 (train, 4 kHz, 3 s; one cycle clipped at the end, one wholly past it), 102 (test,
 * 16 kHz, 2 s), 103 (train, annotation only), 104 (audio, but absent from the split file). SPRSound: one training
 * recording (8 kHz, 2 s; one event past the audio), one Poor Quality training recording, one inter-test recording, one
 * intra-test recording (not used).
 */
class CycleLoaderTest {

    private static final FeatureSpec SPEC = FeatureSpec.PATCH_MIX;

    @TempDir
    Path dir;
    Path icbhi;
    Path spr;

    private static AudioClip sine(double hz, int rate, double seconds) {
        float[] x = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return new AudioClip(x, rate, "sine " + hz);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String json(String record, String... events) {
        return "{\"record_annotation\": \"" + record + "\", \"event_annotation\": [" + String.join(",", events) + "]}";
    }

    private static String event(int startMs, int endMs, String type) {
        return "{\"start\": \"" + startMs + "\", \"end\": \"" + endMs + "\", \"type\": \"" + type + "\"}";
    }

    @BeforeEach
    void fakeDatabases() throws IOException {
        icbhi = dir.resolve("icbhi");
        Path rec = icbhi.resolve("audio_and_txt_files");
        write(rec.resolve("101_1b1_Al_sc_Meditron.txt"),
                "0.0\t1.0\t0\t0\n1.0\t2.0\t1\t0\n2.5\t4.0\t0\t1\n3.5\t4.0\t1\t1\n");
        WavWriter.write(rec.resolve("101_1b1_Al_sc_Meditron.wav"), sine(300, 4000, 3.0));
        write(rec.resolve("102_1b1_Ar_sc_Meditron.txt"), "0.1\t0.9\t1\t1\r\n1.0\t1.9\t0\t0\r\n");
        WavWriter.write(rec.resolve("102_1b1_Ar_sc_Meditron.wav"), sine(500, 16000, 2.0));
        write(rec.resolve("103_1b1_Al_sc_Meditron.txt"), "0.0\t1.0\t0\t1\n");
        write(rec.resolve("104_1b1_Al_sc_Meditron.txt"), "0.0\t1.0\t0\t0\n");
        WavWriter.write(rec.resolve("104_1b1_Al_sc_Meditron.wav"), sine(200, 16000, 1.5));
        write(icbhi.resolve("ICBHI_challenge_train_test.txt"),
                "101_1b1_Al_sc_Meditron\ttrain\r\n102_1b1_Ar_sc_Meditron\ttest\r\n103_1b1_Al_sc_Meditron\ttrain\r\n");

        spr = dir.resolve("sprsound");
        write(spr.resolve("train_classification_json/100_5.0_0_p1_1.json"), json("DAS",
                event(0, 1000, "Normal"), event(1000, 1800, "Fine Crackle"), event(2500, 3000, "Wheeze")));
        WavWriter.write(spr.resolve("train_classification_wav/100_5.0_0_p1_1.wav"), sine(400, 8000, 2.0));
        write(spr.resolve("train_classification_json/100_5.0_0_p2_2.json"),
                json("Poor Quality", event(0, 500, "Normal"), event(600, 900, "Normal")));
        WavWriter.write(spr.resolve("train_classification_wav/100_5.0_0_p2_2.wav"), sine(400, 8000, 1.0));
        write(spr.resolve("test_classification_json/2022/inter_test_json/200_2.0_0_p1_5.json"),
                json("CAS & DAS", event(0, 500, "Wheeze+Crackle"), event(600, 900, "Stridor")));
        WavWriter.write(spr.resolve("test_classification_wav/2022/200_2.0_0_p1_5.wav"), sine(600, 8000, 1.0));
        write(spr.resolve("test_classification_json/2022/intra_test_json/100_5.1_0_p4_6.json"),
                json("Normal", event(0, 700, "Normal")));
        WavWriter.write(spr.resolve("test_classification_wav/2022/100_5.1_0_p4_6.wav"), sine(600, 8000, 1.0));
    }

    /** What the reference cuts: decode, resample, fade the whole recording, slice at floor(t * rate). */
    private static float[] expectedSlice(Path wav, double start, double end) throws IOException {
        AudioClip clip = Resampling.resample(AudioFiles.read(wav), SPEC.sampleRate());
        float[] faded = CyclePreparer.fadeInOut(clip.samples(), SPEC.fadeSamples());
        int from = (int) Math.floor(start * SPEC.sampleRate());
        int to = (int) Math.min(faded.length, Math.floor(end * SPEC.sampleRate()));
        return Arrays.copyOfRange(faded, from, to);
    }

    private static List<String> ids(List<LabelledCycle> cycles) {
        return cycles.stream().map(LabelledCycle::id).toList();
    }

    @Test
    void icbhiOfficialSplitWithAudioOnly() throws IOException {
        List<int[]> progress = new ArrayList<>();
        CycleLoader.Splits s = CycleLoader.load(DatasetChoice.ICBHI, icbhi, null, SPEC,
                (done, total) -> progress.add(new int[] {done, total}));
        assertEquals(List.of("icbhi/101_1b1_Al_sc_Meditron#0", "icbhi/101_1b1_Al_sc_Meditron#1",
                "icbhi/101_1b1_Al_sc_Meditron#2"), ids(s.train()));
        assertEquals(List.of("icbhi/102_1b1_Ar_sc_Meditron#0", "icbhi/102_1b1_Ar_sc_Meditron#1"), ids(s.test()));
        assertEquals(List.of(RespiratoryClass.NORMAL, RespiratoryClass.CRACKLE, RespiratoryClass.WHEEZE),
                s.train().stream().map(LabelledCycle::label).toList());
        assertEquals(List.of(RespiratoryClass.BOTH, RespiratoryClass.NORMAL),
                s.test().stream().map(LabelledCycle::label).toList());
        LabelledCycle first = s.train().get(0);
        assertEquals("icbhi", first.dataset());
        assertEquals("101_1b1_Al_sc_Meditron", first.recording());
        assertEquals("icbhi:101", first.patient());
        assertEquals(0.0, first.start());
        assertEquals(1.0, first.end());
        assertEquals(List.of("1/2", "2/2"), progress.stream().map(p -> p[0] + "/" + p[1]).toList(),
                "two recordings decoded, reported in order");

        Map<CycleLoader.SkipReason, Integer> skipped = s.skippedCycles();
        assertEquals(Map.of(CycleLoader.SkipReason.OUTSIDE_AUDIO, 1, CycleLoader.SkipReason.NO_SPLIT, 1), skipped);
        CycleLoader.Skipped outside = s.skipped().stream()
                .filter(k -> k.reason() == CycleLoader.SkipReason.OUTSIDE_AUDIO).findFirst().orElseThrow();
        assertEquals("101_1b1_Al_sc_Meditron", outside.recording());
        assertEquals(3, outside.index());
        assertTrue(outside.detail().contains("3.000 s"), outside.detail());
    }

    @Test
    void samplesAreTheFadedRecordingsSlicesAtTheModelRateBeforeFitting() throws IOException {
        CycleLoader.Splits s = CycleLoader.load(DatasetChoice.ICBHI, icbhi, null, SPEC, ScanProgress.NONE);
        Path rec = icbhi.resolve("audio_and_txt_files");
        Path wav101 = rec.resolve("101_1b1_Al_sc_Meditron.wav");
        assertArrayEquals(expectedSlice(wav101, 0.0, 1.0), s.train().get(0).samples());
        assertEquals(16000, s.train().get(0).samples().length, "4 kHz recording resampled to 16 kHz");
        assertEquals(0f, s.train().get(0).samples()[0], "whole-recording fade-in");
        assertArrayEquals(expectedSlice(wav101, 2.5, 4.0), s.train().get(2).samples());
        assertEquals(8000, s.train().get(2).samples().length, "2.5 s .. end of the 3 s audio");
        Path wav102 = rec.resolve("102_1b1_Ar_sc_Meditron.wav");
        assertArrayEquals(expectedSlice(wav102, 0.1, 0.9), s.test().get(0).samples());
        assertEquals(12800, s.test().get(0).samples().length);
        assertEquals(SPEC.windowSamples(), new CyclePreparer(SPEC).fitToLength(s.test().get(0).samples()).length);
    }

    @Test
    void windowsAreCutAsTheStreamCutsThemAndLabelledByTheEventsTheyOverlap() throws IOException {
        FeatureSpec oneSecond = SPEC.withWindowSeconds(1.0).withHopSeconds(0.5);
        CycleLoader.Splits s = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, oneSecond, TrainingUnits.WINDOWS,
                ScanProgress.NONE);
        // 2 s of audio: windows at 0, 0.5 and 1 s; Normal 0-1 s, Fine Crackle 1-1.8 s (counts from 0.4 s of overlap)
        assertEquals(List.of("sprsound/100_5.0_0_p1_1#0", "sprsound/100_5.0_0_p1_1#1", "sprsound/100_5.0_0_p1_1#2"),
                ids(s.train()));
        assertEquals(List.of(RespiratoryClass.NORMAL, RespiratoryClass.CRACKLE, RespiratoryClass.CRACKLE),
                s.train().stream().map(LabelledCycle::label).toList());
        assertEquals(0.5, s.train().get(1).start(), 1e-9);
        Path wav = spr.resolve("train_classification_wav/100_5.0_0_p1_1.wav");
        AudioClip clip = Resampling.resample(AudioFiles.read(wav), SPEC.sampleRate());
        assertArrayEquals(Arrays.copyOfRange(clip.samples(), 8000, 24000), s.train().get(1).samples(),
                "the window's own samples, not faded");
        // 1 s test recording: exactly one window, Wheeze+Crackle and Stridor in it
        assertEquals(List.of(RespiratoryClass.BOTH), s.test().stream().map(LabelledCycle::label).toList());

        FeatureSpec twoSeconds = SPEC.withWindowSeconds(2.0).withHopSeconds(1.0);
        CycleLoader.Splits longer = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, twoSeconds,
                TrainingUnits.WINDOWS, ScanProgress.NONE);
        assertEquals(1, longer.test().size(), "a recording shorter than a window is one example");
        assertEquals(16000, longer.test().get(0).samples().length, "its whole audio, fitted later like a cycle");

        write(spr.resolve("train_classification_json/100_5.0_0_p1_1.json"), json("Normal", event(0, 300, "Normal")));
        CycleLoader.Splits gaps = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, oneSecond,
                TrainingUnits.WINDOWS, ScanProgress.NONE);
        assertEquals(1, gaps.train().size(), "only the first window overlaps the annotated 0.3 s");
        assertEquals(2, gaps.skippedCycles().get(CycleLoader.SkipReason.UNLABELLED_WINDOW));
    }

    @Test
    void eventsInContextAreTheWindowsCentredOnThemWithTheEventsLabels() throws IOException {
        FeatureSpec oneSecond = SPEC.withWindowSeconds(1.0).withHopSeconds(0.5);
        CycleLoader.Splits s = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, oneSecond, TrainingUnits.CONTEXT,
                ScanProgress.NONE);
        CycleLoader.Splits events = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, oneSecond, ScanProgress.NONE);
        assertEquals(ids(events.train()), ids(s.train()), "the same events");
        assertEquals(ids(events.test()), ids(s.test()));
        assertEquals(events.train().stream().map(LabelledCycle::label).toList(),
                s.train().stream().map(LabelledCycle::label).toList(), "with their own labels");
        assertEquals(events.skippedCycles(), s.skippedCycles());
        Path wav = spr.resolve("train_classification_wav/100_5.0_0_p1_1.wav");
        float[] audio = Resampling.resample(AudioFiles.read(wav), SPEC.sampleRate()).samples();
        // 2 s of audio. Normal 0-1 s: centred at 0.5 s, the window 0-1 s. Fine Crackle 1-1.8 s: centred at 1.4 s,
        // the window 0.9-1.9 s, not faded.
        assertArrayEquals(Arrays.copyOfRange(audio, 0, 16000), s.train().get(0).samples());
        assertArrayEquals(Arrays.copyOfRange(audio, 14400, 30400), s.train().get(1).samples());
        assertEquals(1.0, s.train().get(1).start(), 1e-9, "the event's own times are kept");

        // A window longer than the recording: its whole audio, fitted later like a cycle.
        CycleLoader.Splits longer = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr,
                SPEC.withWindowSeconds(4.0).withHopSeconds(2.0), TrainingUnits.CONTEXT, ScanProgress.NONE);
        assertEquals(audio.length, longer.train().get(1).samples().length);
    }

    @Test
    void anEventNearTheEndGetsTheLastWindowOfItsRecording() {
        float[] samples = new float[10];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i;
        }
        AudioClip clip = new AudioClip(samples, 10, "ten");
        List<float[]> w = CycleLoader.centredWindows(clip, List.of(
                new Cycle(0.8, 1.5, false, true), new Cycle(0.0, 0.1, false, false),
                new Cycle(0.4, 0.6, true, false)), 4);
        assertArrayEquals(new float[] {6, 7, 8, 9}, w.get(0), "past the end: moved inside");
        assertArrayEquals(new float[] {0, 1, 2, 3}, w.get(1), "at the start: moved inside");
        assertArrayEquals(new float[] {3, 4, 5, 6}, w.get(2), "centred on 0.5 s");
    }

    @Test
    void sprSoundTrainAndInterTestSkippingPoorQualityAndEventsOutsideTheAudio() throws IOException {
        CycleLoader.Splits s = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, SPEC, ScanProgress.NONE);
        assertEquals(List.of("sprsound/100_5.0_0_p1_1#0", "sprsound/100_5.0_0_p1_1#1"), ids(s.train()));
        assertEquals(List.of(RespiratoryClass.NORMAL, RespiratoryClass.CRACKLE),
                s.train().stream().map(LabelledCycle::label).toList());
        assertEquals(List.of("sprsound/200_2.0_0_p1_5#0", "sprsound/200_2.0_0_p1_5#1"), ids(s.test()));
        assertEquals(List.of(RespiratoryClass.BOTH, RespiratoryClass.WHEEZE),
                s.test().stream().map(LabelledCycle::label).toList());
        assertEquals("sprsound:100", s.train().get(0).patient());
        assertEquals(Map.of(CycleLoader.SkipReason.POOR_QUALITY, 2, CycleLoader.SkipReason.OUTSIDE_AUDIO, 1),
                s.skippedCycles());
        Path wav = spr.resolve("train_classification_wav/100_5.0_0_p1_1.wav");
        assertArrayEquals(expectedSlice(wav, 1.0, 1.8), s.train().get(1).samples());
        assertEquals(4 * (16000 + 12800 + 8000 + 4800), s.sampleBytes());
    }

    @Test
    void bothConcatenatesIcbhiThenSprSoundAndIsDeterministic() throws IOException {
        CycleLoader.Splits both = CycleLoader.load(DatasetChoice.BOTH, icbhi, spr, SPEC, ScanProgress.NONE);
        CycleLoader.Splits i = CycleLoader.load(DatasetChoice.ICBHI, icbhi, null, SPEC, ScanProgress.NONE);
        CycleLoader.Splits p = CycleLoader.load(DatasetChoice.SPRSOUND, null, spr, SPEC, ScanProgress.NONE);
        List<String> train = new ArrayList<>(ids(i.train()));
        train.addAll(ids(p.train()));
        assertEquals(train, ids(both.train()));
        List<String> test = new ArrayList<>(ids(i.test()));
        test.addAll(ids(p.test()));
        assertEquals(test, ids(both.test()));
        assertEquals(i.skipped().size() + p.skipped().size(), both.skipped().size());
        CycleLoader.Splits again = CycleLoader.load(DatasetChoice.BOTH, icbhi, spr, SPEC, ScanProgress.NONE);
        for (int k = 0; k < both.train().size(); k++) {
            assertArrayEquals(both.train().get(k).samples(), again.train().get(k).samples());
        }
    }

    @Test
    void aBadAudioFileIsAnIOExceptionNamingIt() throws IOException {
        Path bad = icbhi.resolve("audio_and_txt_files/102_1b1_Ar_sc_Meditron.wav");
        Files.write(bad, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
        IOException e = assertThrows(IOException.class,
                () -> CycleLoader.load(DatasetChoice.ICBHI, icbhi, null, SPEC, ScanProgress.NONE));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void aMissingRootIsAnError() {
        assertThrows(NullPointerException.class,
                () -> CycleLoader.load(DatasetChoice.BOTH, icbhi, null, SPEC, ScanProgress.NONE));
        assertThrows(IOException.class,
                () -> CycleLoader.load(DatasetChoice.ICBHI, dir.resolve("nowhere"), null, SPEC, ScanProgress.NONE));
    }
}
