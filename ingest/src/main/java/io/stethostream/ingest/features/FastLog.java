package io.stethostream.ingest.features;

/**
 * Natural logarithm for positive finite doubles, about five times faster than {@link Math#log} here and accurate to
 * 1e-12 absolute: log(x) = e ln 2 + ln(t_i) + log1p(r), where x = 2^e m, t_i is the table point nearest below the
 * mantissa m and |r| < 2^-10, so a four-term series suffices. The front end takes 128 logs per frame, which made
 * {@link Math#log} a third of the whole cost.
 */
final class FastLog {

    private static final int TABLE_BITS = 10;
    private static final double LN2 = Math.log(2.0);
    private static final double[] LOG_T = new double[1 << TABLE_BITS];
    private static final double[] INV_T = new double[1 << TABLE_BITS];

    static {
        for (int i = 0; i < LOG_T.length; i++) {
            double t = 1.0 + i / (double) LOG_T.length;
            LOG_T[i] = Math.log(t);
            INV_T[i] = 1.0 / t;
        }
    }

    private FastLog() {
    }

    /** ln(x) for positive, finite, normal x (callers floor their input first). */
    static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) ((bits >>> 52) & 0x7FF) - 1023;
        long mantissaBits = bits & 0x000F_FFFF_FFFF_FFFFL;
        int index = (int) (mantissaBits >>> (52 - TABLE_BITS));
        double m = Double.longBitsToDouble(mantissaBits | 0x3FF0_0000_0000_0000L); // 1 <= m < 2
        double r = m * INV_T[index] - 1.0; // m / t_i - 1, in [0, 2^-10)
        double series = r * (1.0 - r * (0.5 - r * (1.0 / 3.0 - r * 0.25)));
        return exponent * LN2 + LOG_T[index] + series;
    }
}
