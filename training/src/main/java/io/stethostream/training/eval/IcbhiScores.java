package io.stethostream.training.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The ICBHI challenge scores of a confusion matrix (spec section 7), as fractions in [0, 1]; reports print them as
 * percentages. A score whose denominator is zero (no normal cycles, no abnormal cycles, no cycles at all, or no cycles
 * of a class for its recall) is {@code NaN}, and so is any average that includes one. In JSON a NaN is the string
 * {@code "NaN"} (Jackson's default), which Jackson reads back as NaN.
 *
 * @param specificity  Sp: normal cycles predicted normal / normal cycles
 * @param sensitivity  Se: abnormal cycles predicted as their exact class / abnormal cycles
 * @param score        (Sp + Se) / 2, the ICBHI score
 * @param specificity2 Sp of the 2-class view (normal vs abnormal): equal to Sp
 * @param sensitivity2 Se of the 2-class view: abnormal cycles predicted as any abnormal class / abnormal cycles
 * @param score2       (Sp2 + Se2) / 2
 * @param accuracy     correct predictions / all cycles
 * @param recall       per class (normal, crackle, wheeze, both): correct / cycles of that class
 * @param cycles       cycles counted
 * @param confusion    the matrix the scores come from
 */
public record IcbhiScores(double specificity, double sensitivity, double score, double specificity2,
                          double sensitivity2, double score2, double accuracy, Map<String, Double> recall,
                          long cycles, ConfusionMatrix confusion) {

    public IcbhiScores {
        recall = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(recall));
        Objects.requireNonNull(confusion, "confusion");
        confusion = confusion.copy();
    }

    /** The scores of a confusion matrix (class 0 is normal, classes 1..3 abnormal). */
    public static IcbhiScores of(ConfusionMatrix m) {
        int k = ConfusionMatrix.CLASSES;
        long normal = m.rowTotal(0);
        long normalHit = m.get(0, 0);
        long abnormal = 0;
        long exactHit = 0;
        long anyAbnormalHit = 0;
        long correct = normalHit;
        for (int t = 1; t < k; t++) {
            abnormal += m.rowTotal(t);
            exactHit += m.get(t, t);
            correct += m.get(t, t);
            for (int p = 1; p < k; p++) {
                anyAbnormalHit += m.get(t, p);
            }
        }
        double sp = ratio(normalHit, normal);
        double se = ratio(exactHit, abnormal);
        double se2 = ratio(anyAbnormalHit, abnormal);
        Map<String, Double> recall = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            recall.put(ConfusionMatrix.CLASS_LABELS.get(c), ratio(m.get(c, c), m.rowTotal(c)));
        }
        return new IcbhiScores(sp, se, (sp + se) / 2, sp, se2, (sp + se2) / 2, ratio(correct, m.total()), recall,
                m.total(), m);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : num / (double) den;
    }

    /** A fraction as a percentage with two decimals ({@code 59.55}), or {@code NaN}. */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "NaN" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    /** For example {@code Sp 77.14 / Se 41.97 / Score 59.55 (2-class Se 60.00, Score 68.57)}. */
    public String summary() {
        return "Sp " + percent(specificity) + " / Se " + percent(sensitivity) + " / Score " + percent(score)
                + " (2-class Se " + percent(sensitivity2) + ", Score " + percent(score2) + ")";
    }
}
