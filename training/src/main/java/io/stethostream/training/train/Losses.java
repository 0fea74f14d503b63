package io.stethostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.model.MixPlan;

/** The losses of the methods, on DJL arrays (autograd-friendly, no in-place operations). */
public final class Losses {

    private Losses() {
    }

    /**
     * Cross-entropy, optionally class-weighted with PyTorch's semantics: sum_i w[y_i] CE_i / sum_i w[y_i].
     *
     * @param weights class weights, or null for the plain mean
     */
    public static NDArray crossEntropy(NDArray logits, int[] labels, float[] weights) {
        NDManager m = logits.getManager();
        int classes = (int) logits.getShape().get(1);
        NDArray oneHot = m.create(labels).oneHot(classes).toType(logits.getDataType(), false);
        NDArray perSample = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
        if (weights == null) {
            return perSample.mean();
        }
        float[] w = new float[labels.length];
        float total = 0;
        for (int i = 0; i < labels.length; i++) {
            w[i] = weights[labels[i]];
            total += w[i];
        }
        return perSample.mul(m.create(w)).sum().div(total);
    }

    /** lambda CE(out, y) + (1 - lambda) CE(out, y[partner]), each term class-weighted when {@code weights} is set. */
    public static NDArray mixedCrossEntropy(NDArray logits, int[] labels, int[] partner, double lambda,
                                            float[] weights) {
        int[] partnerLabels = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            partnerLabels[i] = labels[partner[i]];
        }
        return crossEntropy(logits, labels, weights).mul((float) lambda)
                .add(crossEntropy(logits, partnerLabels, weights).mul((float) (1 - lambda)));
    }

    /**
     * The Patch-Mix contrastive loss (spec section 5): z = stop_gradient(clean), p = projected mixed feature, both
     * L2-normalised, S = p z^T / tau, target M[i,i] = lambda, M[i, partner(i)] += 1 - lambda, loss =
     * mean_i(-sum_j M[i,j] log softmax_j S[i,:]).
     */
    public static NDArray patchMixContrastive(NDArray projectedMixed, NDArray clean, int[] partner, double lambda,
                                              double tau) {
        NDManager m = projectedMixed.getManager();
        int b = partner.length;
        NDArray z = l2normalise(clean.stopGradient());
        NDArray p = l2normalise(projectedMixed);
        NDArray logits = p.matMul(z.transpose()).div((float) tau);
        float[] target = new float[b * b];
        for (int i = 0; i < b; i++) {
            target[i * b + i] += (float) lambda;
            target[i * b + partner[i]] += (float) (1 - lambda);
        }
        NDArray t = m.create(target, new Shape(b, b));
        return logits.logSoftmax(1).mul(t).sum(new int[] {1}).neg().mean();
    }

    /**
     * The paper's objective for one batch (spec section 5): a clean forward pass with CE (unweighted in the paper:
     * {@code weights} null), a second pass on the Patch-Mixed patches through the projector, and
     * {@code CE + alpha * L_CL}.
     */
    public static NDArray patchMixClObjective(AstModel model, ParameterStore ps, NDArray x, int[] labels,
                                              MixPlan plan, double tau, double alpha, float[] weights) {
        NDArray clean = model.features(ps, x, null, true);
        NDArray ce = crossEntropy(model.logits(ps, x, clean, true), labels, weights);
        NDArray mixed = model.project(ps, model.features(ps, x, plan, true), true);
        NDArray cl = patchMixContrastive(mixed, clean, plan.partner(), plan.lambda(), tau);
        return ce.add(cl.mul((float) alpha));
    }

    private static NDArray l2normalise(NDArray x) {
        // F.normalize: x / max(||x||, 1e-12)
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
    }
}
