package io.stethostream.ingest.features;

/**
 * The Kaldi-compatible log-mel filter bank, frame by frame, exactly as torchaudio.compliance.kaldi.fbank with the
 * reference's arguments: per frame, subtract the mean, pre-emphasise, apply the symmetric Hann window, zero-pad to the
 * FFT size, take the power spectrum, apply the mel filters, floor and log. No dither, no energy term, frames without
 * edge padding. Computed in double precision.
 *
 * <p>Frames depend only on their own samples, which is what lets {@link StreamingFeatures} reuse frames shared by
 * overlapping windows. Not thread-safe (scratch buffers); one instance per thread.
 */
public final class KaldiFbank {

    private final FeatureSpec spec;
    private final int frameLength;
    private final int frameShift;
    private final double[] window;
    private final RealFft fft;
    private final MelFilterBank mel;
    private final double[] frame;
    private final double[] power;
    private final double[] energies;

    public KaldiFbank(FeatureSpec spec) {
        this.spec = spec;
        this.frameLength = spec.frameLength();
        this.frameShift = spec.frameShift();
        this.window = new double[frameLength];
        for (int i = 0; i < frameLength; i++) { // symmetric Hann ("hanning" in Kaldi), not the periodic one
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (frameLength - 1));
        }
        this.fft = new RealFft(spec.fftSize());
        this.mel = new MelFilterBank(spec);
        this.frame = new double[frameLength];
        this.power = new double[spec.fftSize() / 2 + 1];
        this.energies = new double[spec.melBins()];
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Log-mel of the whole signal: {@code spec.framesFor(samples.length)} rows. */
    public FeatureMatrix compute(float[] samples) {
        return compute(samples, 0, samples.length);
    }

    /** Log-mel of {@code samples[from, to)}. */
    public FeatureMatrix compute(float[] samples, int from, int to) {
        int frames = spec.framesFor(to - from);
        FeatureMatrix out = FeatureMatrix.zeros(frames, spec.melBins());
        for (int f = 0; f < frames; f++) {
            computeFrame(samples, from + f * frameShift, out.data(), f * spec.melBins());
        }
        return out;
    }

    /** Writes the log-mel row of the frame starting at {@code samples[start]} into {@code out[outOffset..]}. */
    public void computeFrame(float[] samples, int start, float[] out, int outOffset) {
        double mean = 0;
        if (spec.removeDcOffset()) {
            for (int i = 0; i < frameLength; i++) {
                mean += samples[start + i];
            }
            mean /= frameLength;
        }
        // DC removal, pre-emphasis and window in one pass:
        // y[i] = ((x[i] - mean) - k (x[i-1] - mean)) w[i], with x[-1] = x[0] as Kaldi replicates the first sample.
        double k = spec.preemphasis();
        double prev = samples[start] - mean;
        for (int i = 0; i < frameLength; i++) {
            double cur = samples[start + i] - mean;
            frame[i] = (cur - k * prev) * window[i];
            prev = cur;
        }
        fft.power(frame, frameLength, power);
        mel.apply(power, energies);
        double floor = spec.logFloor();
        for (int m = 0; m < energies.length; m++) {
            out[outOffset + m] = (float) FastLog.log(Math.max(energies[m], floor));
        }
    }
}
