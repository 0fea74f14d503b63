package io.stethostream.training.eval;

import io.stethostream.ingest.dataset.RespiratoryClass;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcbhiScoresTest {

    /** Rows true normal/crackle/wheeze/both, columns predicted; worked by hand below. */
    static ConfusionMatrix example() {
        return ConfusionMatrix.of(new long[][] {
                {50, 5, 3, 2},
                {10, 20, 5, 5},
                {4, 6, 15, 5},
                {2, 3, 1, 4}});
    }

    @Test
    void fourClassScoresByHand() {
        IcbhiScores s = IcbhiScores.of(example());
        assertEquals(50 / 60.0, s.specificity(), 1e-12);
        // exact abnormal hits 20 + 15 + 4 = 39 of 40 + 30 + 10 = 80
        assertEquals(39 / 80.0, s.sensitivity(), 1e-12);
        assertEquals((50 / 60.0 + 39 / 80.0) / 2, s.score(), 1e-12);
        assertEquals(89 / 140.0, s.accuracy(), 1e-12);
        assertEquals(140, s.cycles());
        assertEquals(50 / 60.0, s.recall().get("normal"), 1e-12);
        assertEquals(0.5, s.recall().get("crackle"), 1e-12);
        assertEquals(0.5, s.recall().get("wheeze"), 1e-12);
        assertEquals(0.4, s.recall().get("both"), 1e-12);
        assertEquals("66.04", IcbhiScores.percent(s.score()));
    }

    @Test
    void twoClassViewCountsAnyAbnormalPredictionForAnAbnormalCycle() {
        IcbhiScores s = IcbhiScores.of(example());
        // crackle row 20+5+5, wheeze row 6+15+5, both row 3+1+4: 64 of 80
        assertEquals(0.8, s.sensitivity2(), 1e-12);
        assertEquals(s.specificity(), s.specificity2());
        assertEquals((50 / 60.0 + 0.8) / 2, s.score2(), 1e-12);
    }

    @Test
    void perfectAndAllNormalClassifiers() {
        ConfusionMatrix perfect = new ConfusionMatrix().add(0, 0, 7).add(1, 1, 3).add(2, 2, 2).add(3, 3, 1);
        IcbhiScores p = IcbhiScores.of(perfect);
        assertEquals(1.0, p.score());
        assertEquals(1.0, p.accuracy());
        ConfusionMatrix allNormal = new ConfusionMatrix().add(0, 0, 7).add(1, 0, 3).add(2, 0, 2).add(3, 0, 1);
        IcbhiScores n = IcbhiScores.of(allNormal);
        assertEquals(1.0, n.specificity());
        assertEquals(0.0, n.sensitivity());
        assertEquals(0.5, n.score(), "the degenerate classifier the paper's Se > 5 % rule excludes");
    }

    @Test
    void zeroDenominatorsGiveNaN() {
        IcbhiScores empty = IcbhiScores.of(new ConfusionMatrix());
        assertTrue(Double.isNaN(empty.specificity()) && Double.isNaN(empty.sensitivity())
                && Double.isNaN(empty.score()) && Double.isNaN(empty.accuracy()) && Double.isNaN(empty.score2()));
        IcbhiScores onlyNormal = IcbhiScores.of(new ConfusionMatrix().add(0, 0, 3).add(0, 2, 1));
        assertEquals(0.75, onlyNormal.specificity());
        assertTrue(Double.isNaN(onlyNormal.sensitivity()));
        assertTrue(Double.isNaN(onlyNormal.sensitivity2()));
        assertTrue(Double.isNaN(onlyNormal.score()));
        assertTrue(Double.isNaN(onlyNormal.recall().get("crackle")));
        assertEquals(0.75, onlyNormal.accuracy());
        IcbhiScores onlyAbnormal = IcbhiScores.of(new ConfusionMatrix().add(RespiratoryClass.WHEEZE,
                RespiratoryClass.WHEEZE));
        assertTrue(Double.isNaN(onlyAbnormal.specificity()));
        assertEquals(1.0, onlyAbnormal.sensitivity());
        assertEquals("NaN", IcbhiScores.percent(onlyAbnormal.score()));
    }

    @Test
    void matrixAddMergeAndValidation() {
        ConfusionMatrix a = new ConfusionMatrix().add(0, 1).add(0, 1).add(3, 3);
        ConfusionMatrix b = new ConfusionMatrix().add(0, 1).add(2, 0);
        ConfusionMatrix merged = a.copy().merge(b);
        assertEquals(3, merged.get(0, 1));
        assertEquals(1, merged.get(2, 0));
        assertEquals(5, merged.total());
        assertEquals(2, a.get(0, 1), "copy() leaves the original alone");
        assertEquals(3, merged.rowTotal(0));
        assertThrows(IllegalArgumentException.class, () -> a.add(4, 0));
        assertThrows(IllegalArgumentException.class, () -> a.add(0, -1));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new long[3][4]));
        long[][] counts = merged.counts();
        counts[0][0] = 99;
        assertEquals(0, merged.get(0, 0), "counts() is a copy");
        assertEquals(merged, ConfusionMatrix.of(merged.counts()));
    }

    @Test
    void scoresKeepTheirOwnCopyOfTheMatrix() {
        ConfusionMatrix m = example();
        IcbhiScores s = IcbhiScores.of(m);
        m.add(0, 0, 1000);
        assertEquals(example(), s.confusion());
    }
}
