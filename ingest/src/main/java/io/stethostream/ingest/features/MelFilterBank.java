package io.stethostream.ingest.features;

/**
 * Kaldi's triangular mel filters (torchaudio.compliance.kaldi.get_mel_banks without VTLN): mel(f) = 1127 ln(1 + f/700),
 * centres equally spaced in mel between the low and high edges, weights evaluated at the FFT bin frequencies 0..n/2-1
 * (the Nyquist bin gets no weight). Stored sparsely: each filter touches only a few bins.
 *
 * <p>The weights are computed in float32 in the same order of operations as torchaudio (which builds them in float32
 * whatever the input's type): near a triangle's feet a weight can be 1e-3, where float32 rounding changes it by 1%,
 * and a strong FFT bin there would carry that difference into the log energy.
 */
final class MelFilterBank {

    private final int[] firstBin;
    private final double[][] weights;

    MelFilterBank(FeatureSpec spec) {
        int bins = spec.melBins();
        int fftBins = spec.fftSize() / 2;
        // Python scalars in torchaudio (double), cast to float32 when they meet float32 tensors.
        double binWidth = spec.sampleRate() / (double) spec.fftSize();
        float melLow = (float) mel(spec.lowFreq());
        double melHighD = mel(spec.resolvedHighFreq());
        float delta = (float) ((melHighD - mel(spec.lowFreq())) / (bins + 1));
        float[] binMel = new float[fftBins];
        for (int k = 0; k < fftBins; k++) {
            float hz = (float) (binWidth * k);
            binMel[k] = 1127.0f * (float) Math.log(1.0f + hz / 700.0f);
        }
        firstBin = new int[bins];
        weights = new double[bins][];
        double[] dense = new double[fftBins];
        for (int m = 0; m < bins; m++) {
            float left = melLow + m * delta;
            float center = melLow + (m + 1) * delta;
            float right = melLow + (m + 2) * delta;
            int first = -1;
            int last = -1;
            for (int k = 0; k < fftBins; k++) {
                float up = (binMel[k] - left) / (center - left);
                float down = (right - binMel[k]) / (right - center);
                dense[k] = Math.max(0.0f, Math.min(up, down));
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
