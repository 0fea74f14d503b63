package io.stethostream.training.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void warmUpIsLinearToThePeakThenTheCosineFallsMonotonicallyToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-6, 10, 110);
        for (int i = 0; i < 10; i++) {
            assertEquals(1e-3 * (i + 1) / 10, s.at(i), 1e-15, "warm-up step " + i);
        }
        assertEquals(1e-3, s.at(9), 1e-15, "the peak at the end of the warm-up");
        assertEquals(1e-3, s.at(10), 1e-15, "the cosine starts at the peak");
        for (int i = 10; i < 109; i++) {
            assertTrue(s.at(i + 1) < s.at(i), "decays at step " + i);
        }
        assertEquals(1e-6, s.at(109), 1e-15, "the floor at the last step");
        double half = (1e-3 + 1e-6) / 2; // progress 1/2 falls between steps 59 and 60
        assertTrue(s.at(59) > half && s.at(60) < half, "half way through the decay");
    }

    @Test
    void withoutWarmUpTheFirstStepHasThePeak() {
        LearningRateSchedule s = new LearningRateSchedule(5e-5, 5e-8, 0, 20);
        assertEquals(5e-5, s.at(0), 0.0);
        assertEquals(5e-8, s.at(19), 1e-18);
        assertEquals(5e-8, new LearningRateSchedule(5e-5, 5e-8, 0, 1).at(0), 0.0, "a one-step run: its last step");
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 2e-3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, -1e-6, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 0, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(Double.NaN, 0, 0, 10));
    }
}
