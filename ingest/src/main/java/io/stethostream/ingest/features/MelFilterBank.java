package io.stethostream.ingest.features;

/**
 * Kaldi's triangular mel filters (torchaudio.compliance.kaldi.get_mel_banks without VTLN): mel(f) = 1127 ln(1 + f/700),
 * centres equally spaced in mel between the low and high edges, weights evaluated at the FFT bin frequencies 0..n/2-1
 * (the Nyquist bin gets no weight). Stored sparsely: each filter touches only a few bins.
 */
final class MelFilterBank {

    private final int[] firstBin;
    private final double[][] weights;

    MelFilterBank(FeatureSpec spec) {
        int bins = spec.melBins();
        int fftBins = spec.fftSize() / 2;
        double binWidth = spec.sampleRate() / (double) spec.fftSize();
        double melLow = mel(spec.lowFreq());
        double melHigh = mel(spec.resolvedHighFreq());
        double delta = (melHigh - melLow) / (bins + 1);
        firstBin = new int[bins];
        weights = new double[bins][];
        double[] dense = new double[fftBins];
        for (int m = 0; m < bins; m++) {
            double left = melLow + m * delta;
            double center = melLow + (m + 1) * delta;
            double right = melLow + (m + 2) * delta;
            int first = -1;
            int last = -1;
            for (int k = 0; k < fftBins; k++) {
                double mk = mel(binWidth * k);
                double up = (mk - left) / (center - left);
                double down = (right - mk) / (right - center);
                dense[k] = Math.max(0.0, Math.min(up, down));
                if (dense[k] > 0) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) { // a filter narrower than one FFT bin: Kaldi keeps it, all zero
                first = 0;
                last = -1;
            }
            firstBin[m] = first;
            weights[m] = java.util.Arrays.copyOfRange(dense, first, last + 1);
        }
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    int bins() {
        return weights.length;
    }

    /** Filter energies of one power spectrum. */
    void apply(double[] power, double[] energies) {
        for (int m = 0; m < weights.length; m++) {
            double[] w = weights[m];
            int off = firstBin[m];
            double sum = 0;
            for (int j = 0; j < w.length; j++) {
                sum += w[j] * power[off + j];
            }
            energies[m] = sum;
        }
    }
}
