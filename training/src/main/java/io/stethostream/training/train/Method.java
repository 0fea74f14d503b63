package io.stethostream.training.train;

import java.util.Locale;

/** Training methods (spec sections 4-6). */
public enum Method {
    /** Fine-tuning with class-weighted cross-entropy (weights proportional to 1/n_c). */
    CE("ce"),
    /** Mixup of input spectrograms, lambda ~ Beta(alpha, alpha), lambda-interpolated CE. */
    MIXUP("mixup"),
    /** CutMix of input spectrogram rectangles, lambda recomputed from the box area. */
    CUTMIX("cutmix"),
    /** Patch-Mix on patch embeddings with lambda-interpolated CE (an ablation of the paper). */
    PATCHMIX("patchmix"),
    /** Patch-Mix over whole time columns with lambda-interpolated CE. */
    TPATCH("tpatch"),
    /** The paper's method: clean CE plus the Patch-Mix contrastive loss on a second, mixed forward pass. */
    PATCHMIX_CL("patchmix-cl");

    private final String cliName;

    Method(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.cliName.equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + s + "' (ce, mixup, cutmix, patchmix, tpatch, "
                + "patchmix-cl)");
    }
}
