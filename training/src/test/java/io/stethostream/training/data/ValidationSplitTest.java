package io.stethostream.training.data;

import io.stethostream.ingest.dataset.RespiratoryClass;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationSplitTest {

    /** 60 patients with 1-30 cycles each, mostly normal; "both" only in a few patients, as in ICBHI. */
    static List<LabelledCycle> cohort() {
        Random r = new Random(7);
        List<LabelledCycle> out = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            int n = 1 + r.nextInt(30);
            for (int i = 0; i < n; i++) {
                double u = r.nextDouble();
                RespiratoryClass c = u < 0.6 ? RespiratoryClass.NORMAL : u < 0.8 ? RespiratoryClass.CRACKLE
                        : u < 0.95 || p % 10 != 3 ? RespiratoryClass.WHEEZE : RespiratoryClass.BOTH;
                out.add(new LabelledCycle("icbhi", "rec" + p, "icbhi:" + p, i, i, i + 1, c, new float[] {p, i}));
            }
        }
        return out;
    }

    private static Set<String> patients(List<LabelledCycle> l) {
        return l.stream().map(LabelledCycle::patient).collect(Collectors.toSet());
    }

    @Test
    void patientDisjointNearTheFractionAndEveryClassOnBothSides() {
        List<LabelledCycle> all = cohort();
        for (long seed = 0; seed < 20; seed++) {
            ValidationSplit.Carved c = ValidationSplit.carve(all, 0.2, seed);
            Set<String> both = new HashSet<>(patients(c.train()));
            both.retainAll(patients(c.validation()));
            assertEquals(Set.of(), both, "seed " + seed);
            assertEquals(all.size(), c.train().size() + c.validation().size());
            double share = c.validation().size() / (double) all.size();
            assertTrue(Math.abs(share - 0.2) < 0.04, "seed " + seed + ": " + share);
            for (RespiratoryClass cls : RespiratoryClass.values()) {
                assertTrue(ClassCounts.of(c.validation()).count(cls) > 0, "seed " + seed + " validation " + cls);
                assertTrue(ClassCounts.of(c.train()).count(cls) > 0, "seed " + seed + " train " + cls);
            }
        }
    }

    @Test
    void deterministicForASeedAndKeepsInputOrder() {
        List<LabelledCycle> all = cohort();
        ValidationSplit.Carved a = ValidationSplit.carve(all, 0.2, 42);
        ValidationSplit.Carved b = ValidationSplit.carve(new ArrayList<>(all), 0.2, 42);
        assertEquals(a, b, "same cycles, same seed");
        assertNotEquals(patients(a.validation()), patients(ValidationSplit.carve(all, 0.2, 43).validation()));
        List<LabelledCycle> merged = new ArrayList<>(a.train());
        assertEquals(all.stream().filter(x -> !a.validation().contains(x)).toList(), a.train(), "input order kept");
        merged.addAll(a.validation());
        assertEquals(new HashSet<>(all), new HashSet<>(merged));
    }

    @Test
    void otherFractions() {
        List<LabelledCycle> all = cohort();
        assertEquals(List.of(), ValidationSplit.carve(all, 0, 1).validation());
        assertEquals(all, ValidationSplit.carve(all, 0, 1).train());
        double share = ValidationSplit.carve(all, 0.5, 1).validation().size() / (double) all.size();
        assertTrue(Math.abs(share - 0.5) < 0.04, "" + share);
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.carve(all, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.carve(all, -0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.carve(all, Double.NaN, 1));
        assertEquals(List.of(), ValidationSplit.carve(List.of(), 0.2, 1).validation());
    }

    @Test
    void aClassHeldByOnePatientStaysInTraining() {
        List<LabelledCycle> all = new ArrayList<>();
        for (int p = 0; p < 10; p++) {
            for (int i = 0; i < 10; i++) {
                RespiratoryClass c = p == 0 && i == 0 ? RespiratoryClass.BOTH : RespiratoryClass.NORMAL;
                all.add(new LabelledCycle("icbhi", "r" + p, "icbhi:" + p, i, i, i + 1, c, new float[1]));
            }
        }
        for (long seed = 0; seed < 10; seed++) {
            ValidationSplit.Carved c = ValidationSplit.carve(all, 0.2, seed);
            assertEquals(20, c.validation().size());
            assertTrue(!patients(c.validation()).contains("icbhi:0"), "seed " + seed);
        }
    }
}
