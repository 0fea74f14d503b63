package io.stethostream.training.data;

import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.SharedData;
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

/** The cycles of the real ICBHI and SPRSound copies in ../shared/data, loaded once (both databases). */
@Tag("shared-data")
class CycleLoaderSharedDataTest {

    static CycleLoader.Splits both;
    static double loadSeconds;

    @BeforeAll
    static void load() throws IOException {
        long t0 = System.nanoTime();
        both = CycleLoader.load(DatasetChoice.BOTH, SharedData.dir("icbhi"), SharedData.dir("sprsound"),
                FeatureSpec.PATCH_MIX, ScanProgress.NONE);
        loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("loaded both databases in %.1f s: %d train + %d test cycles, %.0f MB of samples%n",
                loadSeconds, both.train().size(), both.test().size(), both.sampleBytes() / 1048576.0);
        System.out.println("skipped: " + both.skippedCycles());
        both.skipped().stream().filter(s -> s.reason() != CycleLoader.SkipReason.POOR_QUALITY)
                .forEach(s -> System.out.println("  " + s));
        System.out.println("skipped recordings: " + both.skippedRecordings());
        for (String d : List.of(LabelledCycle.ICBHI, LabelledCycle.SPRSOUND)) {
            List<LabelledCycle> all = new java.util.ArrayList<>(of(both.train(), d));
            all.addAll(of(both.test(), d));
            System.out.printf("%s train %s, test %s; %.0f MB of samples, mean cycle %.2f s%n", d,
                    ClassCounts.of(of(both.train(), d)), ClassCounts.of(of(both.test(), d)),
                    all.stream().mapToLong(c -> c.samples().length).sum() * 4 / 1048576.0,
                    all.stream().mapToLong(c -> c.samples().length).average().orElse(0) / 16000);
        }
    }

    static List<LabelledCycle> of(List<LabelledCycle> cycles, String dataset) {
        return cycles.stream().filter(c -> c.dataset().equals(dataset)).toList();
    }

    private static Set<String> patients(List<LabelledCycle> cycles) {
        return cycles.stream().map(LabelledCycle::patient).collect(Collectors.toSet());
    }

    @Test
    void icbhiWithAudioOfficialSplit() {
        List<LabelledCycle> train = of(both.train(), LabelledCycle.ICBHI);
        List<LabelledCycle> test = of(both.test(), LabelledCycle.ICBHI);
        assertEquals(493, train.size());
        assertEquals(607, test.size());
        assertEquals(ClassCounts.ofCounts(250, 137, 81, 25), ClassCounts.of(train));
        assertEquals(ClassCounts.ofCounts(441, 70, 84, 12), ClassCounts.of(test));
        Set<String> allPatients = new java.util.HashSet<>(patients(train));
        allPatients.addAll(patients(test));
        assertEquals(50, allPatients.size(), "the 123 recordings with audio come from 50 patients");
        // The official split puts patients 156 and 218 on both sides (left as is), but this partial copy holds no
        // audio of either, so no patient is in both here.
        assertEquals(Set.of(), intersection(patients(train), patients(test)));
        assertEquals(0, both.skipped().stream().filter(s -> s.dataset().equals("icbhi")).count(),
                "every ICBHI recording with audio is in the split and every cycle lies inside its audio");
    }

    @Test
    void sprSoundTrainAndInterPatientTest() {
        List<LabelledCycle> train = of(both.train(), LabelledCycle.SPRSOUND);
        List<LabelledCycle> test = of(both.test(), LabelledCycle.SPRSOUND);
        // Poor Quality recordings carry no events, and no event lies outside its audio: nothing is lost.
        assertEquals(ClassCounts.ofCounts(5159, 961, 506, 30), ClassCounts.of(train));
        assertEquals(ClassCounts.ofCounts(1040, 83, 305, 1), ClassCounts.of(test));
        assertEquals(Map.of(CycleLoader.SkipReason.POOR_QUALITY, 177 + 8), both.skippedRecordings());
        assertEquals(Map.of(CycleLoader.SkipReason.POOR_QUALITY, 0), both.skippedCycles());
        assertEquals(Set.of(), intersection(patients(train), patients(test)), "inter-patient test set");
    }

    @Test
    void validationCarvedFromTheRealTrainingSet() {
        List<LabelledCycle> icbhiTrain = of(both.train(), LabelledCycle.ICBHI);
        ValidationSplit.Carved c = ValidationSplit.carve(icbhiTrain, ValidationSplit.DEFAULT_FRACTION, 1);
        System.out.println("icbhi validation (seed 1): " + ClassCounts.of(c.validation()) + " from "
                + patients(c.validation()).size() + " patients; train " + ClassCounts.of(c.train()));
        assertEquals(Set.of(), intersection(patients(c.train()), patients(c.validation())));
        assertEquals(0.2, c.validation().size() / (double) icbhiTrain.size(), 0.03);
        for (long count : ClassCounts.of(c.validation()).counts()) {
            assertTrue(count > 0, ClassCounts.of(c.validation()).toString());
        }
        ValidationSplit.Carved all = ValidationSplit.carve(both.train(), ValidationSplit.DEFAULT_FRACTION, 1);
        System.out.println("both validation (seed 1): " + ClassCounts.of(all.validation()));
        assertEquals(0.2, all.validation().size() / (double) both.train().size(), 0.01);
    }

    @Test
    void loadedSamplesFitTheTrainingHeap() {
        long bytes = both.sampleBytes();
        assertTrue(bytes > 500L << 20 && bytes < 1200L << 20, bytes + " bytes");
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.TreeSet<>(a);
        s.retainAll(b);
        return s;
    }
}
