package io.stethostream.training.data;

import io.stethostream.ingest.dataset.RespiratoryClass;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetChoiceAndClassCountsTest {

    @Test
    void parsesDatasetChoices() {
        assertEquals(DatasetChoice.ICBHI, DatasetChoice.parse("icbhi"));
        assertEquals(DatasetChoice.SPRSOUND, DatasetChoice.parse(" SPRSound "));
        assertEquals(DatasetChoice.BOTH, DatasetChoice.parse("Both"));
        var e = assertThrows(IllegalArgumentException.class, () -> DatasetChoice.parse("icbhi2017"));
        assertTrue(e.getMessage().contains("[icbhi, sprsound, both]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetChoice.parse(null));
        assertTrue(DatasetChoice.BOTH.includesIcbhi() && DatasetChoice.BOTH.includesSprSound());
        assertTrue(!DatasetChoice.ICBHI.includesSprSound() && !DatasetChoice.SPRSOUND.includesIcbhi());
    }

    static LabelledCycle cycle(String patient, RespiratoryClass label) {
        return new LabelledCycle("icbhi", "rec-" + patient, patient, 0, 0, 1, label, new float[] {0.5f});
    }

    @Test
    void countsPerClass() {
        ClassCounts c = ClassCounts.of(List.of(cycle("a", RespiratoryClass.NORMAL), cycle("a", RespiratoryClass.NORMAL),
                cycle("b", RespiratoryClass.BOTH), cycle("c", RespiratoryClass.WHEEZE)));
        assertArrayEquals(new long[] {2, 0, 1, 1}, c.counts());
        assertEquals(4, c.total());
        assertEquals(1, c.count(RespiratoryClass.BOTH));
        assertEquals(Map.of("normal", 2L, "crackle", 0L, "wheeze", 1L, "both", 1L), c.asMap());
        assertEquals("2 normal / 0 crackle / 1 wheeze / 1 both (4)", c.toString());
        assertEquals(c, ClassCounts.ofCounts(2, 0, 1, 1));
    }

    @Test
    void inverseFrequencyWeightsSumToOneAndSkipEmptyClasses() {
        // ICBHI official train with audio in the shared copy: 250 / 137 / 81 / 25
        double[] w = ClassCounts.ofCounts(250, 137, 81, 25).inverseFrequencyWeights();
        double z = 1 / 250.0 + 1 / 137.0 + 1 / 81.0 + 1 / 25.0;
        assertEquals(1 / 250.0 / z, w[0], 1e-12);
        assertEquals(1 / 25.0 / z, w[3], 1e-12);
        assertEquals(1.0, w[0] + w[1] + w[2] + w[3], 1e-12);
        assertEquals(10.0, w[3] / w[0], 1e-9, "w proportional to 1/n");

        double[] missing = ClassCounts.ofCounts(4, 0, 1, 0).inverseFrequencyWeights();
        assertArrayEquals(new double[] {0.2, 0, 0.8, 0}, missing, 1e-12);
        assertArrayEquals(new double[4], ClassCounts.ofCounts(0, 0, 0, 0).inverseFrequencyWeights());
        float[] f = ClassCounts.ofCounts(1, 1, 1, 1).inverseFrequencyWeightsAsFloats();
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, f);
        assertThrows(IllegalArgumentException.class, () -> ClassCounts.ofCounts(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> ClassCounts.ofCounts(1, -2, 3, 4));
    }
}
