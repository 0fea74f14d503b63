package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FastLogTest {

    @Test
    void agreesWithMathLogOverTheFeatureRange() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            double x = Math.exp(r.nextDouble() * 60 - 20); // 2e-9 .. 1e17, beyond any energy the front end sees
            assertEquals(Math.log(x), FastLog.log(x), 1e-12, "x = " + x);
        }
        assertEquals(Math.log(FeatureSpec.FLOAT_EPSILON), FastLog.log(FeatureSpec.FLOAT_EPSILON), 1e-13);
        assertEquals(0.0, FastLog.log(1.0), 0.0);
    }
}
