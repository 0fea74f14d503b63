package io.stethostream.training.data;

import io.stethostream.ingest.dataset.RespiratoryClass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Carves a patient-disjoint validation set out of the training cycles, so that a model can be chosen without looking
 * at the test set (the "honest" protocol).
 *
 * <p>The rule (which patients are chosen depends only on the cycles' patients and labels and the seed, not on their
 * order):
 * <ol>
 *   <li>Patients are sorted by key and shuffled with {@code new Random(seed)}.</li>
 *   <li>Class coverage: for each class, rarest first, that validation does not hold yet, the first shuffled patient
 *       with a cycle of that class joins validation.</li>
 *   <li>Fill: the other shuffled patients are visited in order; one joins validation when that brings the validation
 *       size no further from the target {@code round(fraction * cycles)} than it was (a large patient that would
 *       overshoot by more than it fills is passed over); the walk stops once the target is reached.</li>
 * </ol>
 * In both steps a patient joins validation only if every class among its cycles stays held by some other patient in
 * training, so training never loses a class (a class held by a single patient is absent from validation).
 * Both parts keep the input order of their cycles. With a fraction of 0 validation is empty. On tiny datasets the
 * coverage step alone may exceed the target.
 */
public final class ValidationSplit {

    /** The validation fraction used when a run does not set one. */
    public static final double DEFAULT_FRACTION = 0.2;

    /**
     * Training and validation cycles.
     *
     * @param train      cycles left for training
     * @param validation cycles for model selection; no patient has cycles in both
     */
    public record Carved(List<LabelledCycle> train, List<LabelledCycle> validation) {
        public Carved {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    private ValidationSplit() {
    }

    /**
     * Splits {@code train} by patient.
     *
     * @param fraction share of the cycles to put in validation, in [0, 1)
     * @param seed     shuffles the patients
     */
    public static Carved carve(List<LabelledCycle> train, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
        }
        Map<String, List<LabelledCycle>> byPatient = new TreeMap<>();
        for (LabelledCycle c : train) {
            byPatient.computeIfAbsent(c.patient(), p -> new ArrayList<>()).add(c);
        }
        List<String> patients = new ArrayList<>(byPatient.keySet());
        Collections.shuffle(patients, new Random(seed));
        long target = Math.round(fraction * train.size());

        Set<String> chosen = new HashSet<>();
        long size = 0;
        if (target > 0) {
            Map<String, Set<RespiratoryClass>> classesOf = new LinkedHashMap<>();
            int[] holdersLeft = new int[RespiratoryClass.values().length];
            for (String p : patients) {
                Set<RespiratoryClass> s = EnumSet.noneOf(RespiratoryClass.class);
                byPatient.get(p).forEach(c -> s.add(c.label()));
                classesOf.put(p, s);
                s.forEach(c -> holdersLeft[c.ordinal()]++);
            }
            ClassCounts counts = ClassCounts.of(train);
            List<RespiratoryClass> rarestFirst = new ArrayList<>(List.of(RespiratoryClass.values()));
            rarestFirst.sort(Comparator.comparingLong(counts::count));
            Set<RespiratoryClass> covered = EnumSet.noneOf(RespiratoryClass.class);
            for (RespiratoryClass cls : rarestFirst) {
                if (covered.contains(cls)) {
                    continue;
                }
                for (String p : patients) {
                    if (classesOf.get(p).contains(cls) && movable(classesOf.get(p), holdersLeft)) {
                        size += move(p, byPatient, classesOf, holdersLeft, chosen);
                        covered.addAll(classesOf.get(p));
                        break;
                    }
                }
            }
            for (String p : patients) {
                if (size >= target) {
                    break;
                }
                long n = byPatient.get(p).size();
                if (!chosen.contains(p) && movable(classesOf.get(p), holdersLeft)
                        && Math.abs(size + n - target) <= Math.abs(target - size)) {
                    size += move(p, byPatient, classesOf, holdersLeft, chosen);
                }
            }
        }
        List<LabelledCycle> keep = new ArrayList<>(train.size());
        List<LabelledCycle> validation = new ArrayList<>((int) size);
        for (LabelledCycle c : train) {
            (chosen.contains(c.patient()) ? validation : keep).add(c);
        }
        return new Carved(keep, validation);
    }

    /** A patient may move to validation when training keeps another patient with each of its classes. */
    private static boolean movable(Set<RespiratoryClass> classes, int[] holdersLeft) {
        return classes.stream().allMatch(c -> holdersLeft[c.ordinal()] >= 2);
    }

    private static int move(String patient, Map<String, List<LabelledCycle>> byPatient,
                            Map<String, Set<RespiratoryClass>> classesOf, int[] holdersLeft, Set<String> chosen) {
        chosen.add(patient);
        classesOf.get(patient).forEach(c -> holdersLeft[c.ordinal()]--);
        return byPatient.get(patient).size();
    }
}
