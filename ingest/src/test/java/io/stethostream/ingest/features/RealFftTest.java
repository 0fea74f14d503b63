package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RealFftTest {

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 64, 512, 1024})
    void powerSpectrumEqualsTheDirectDft(int n) {
        Random r = new Random(n);
        int len = n * 3 / 4 + 1; // zero-padded input, as a 400-sample frame in a 512-point FFT
        double[] x = new double[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextGaussian();
        }
        double[] power = new double[n / 2 + 1];
        new RealFft(n).power(x, len, power);
        for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < len; i++) {
                re += x[i] * Math.cos(2 * Math.PI * k * i / n);
                im -= x[i] * Math.sin(2 * Math.PI * k * i / n);
            }
            assertEquals(re * re + im * im, power[k], 1e-9 * Math.max(1, re * re + im * im), "bin " + k);
        }
    }

    @Test
    void aSineLandsInItsBin() {
        double[] x = new double[512];
        for (int i = 0; i < 512; i++) {
            x[i] = Math.cos(2 * Math.PI * 32 * i / 512.0);
        }
        double[] p = new double[257];
        new RealFft(512).power(x, 512, p);
        assertEquals(256 * 256, p[32], 1e-6);
        assertEquals(0, p[31], 1e-12);
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(400));
    }
}
