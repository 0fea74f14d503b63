package io.stethostream.ingest.features;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden files of src/test/resources/golden (made by src/test/python/make_fbank_golden.py) and their comparison. */
final class Golden {

    private Golden() {
    }

    static Path path(String name) {
        try {
            return Path.of(Golden.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("golden file missing: " + name, e);
        }
    }

    static FeatureMatrix matrix(String name) throws IOException {
        return Npy.read(path(name));
    }

    /** Asserts same shape and every cell within {@code tol}; returns the largest difference for reporting. */
    static double assertClose(FeatureMatrix expected, FeatureMatrix actual, double tol, String what) {
        assertEquals(expected.frames(), actual.frames(), what + " frames");
        assertEquals(expected.bins(), actual.bins(), what + " bins");
        double max = 0;
        int worst = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double d = Math.abs(expected.data()[i] - actual.data()[i]);
            if (d > max) {
                max = d;
                worst = i;
            }
        }
        int frame = worst / expected.bins();
        int bin = worst % expected.bins();
        assertTrue(max <= tol, what + ": max |diff| " + max + " > " + tol + " at frame " + frame + ", bin " + bin);
        // Printed so that the parity figures in the README come from the test run (mvn verify [-Pshared-data]).
        System.out.printf(java.util.Locale.ROOT, "parity %s: max |diff| %.2e at frame %d, bin %d%n", what, max, frame,
                bin);
        return max;
    }
}
