package io.stethostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with L2 weight decay added to the gradient (torch.optim.Adam's weight_decay, not AdamW), on every parameter as
 * the reference, followed by the reference's post-step averaging: w = beta w_before + (1 - beta) w_after; or, with
 * {@code decoupled}, AdamW (torch.optim.AdamW: w -= lr wd w beside the Adam update, not through the moments).
 * Written here rather than taken from DJL so that its state (moments and step count) is saved in checkpoints and a
 * resumed run continues exactly. Updates are done under no-grad in place. With a gradient-norm limit the whole
 * gradient is scaled down, before the moments see it, when its global L2 norm exceeds the limit (torch's
 * clip_grad_norm_), so that one outlier batch cannot throw a transformer out of what it has learned.
 */
public final class AdamL2 {

    private final List<Parameter> params;
    private final List<NDArray> mean = new ArrayList<>();
    private final List<NDArray> variance = new ArrayList<>();
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private final double weightDecay;
    private final double averaging;
    private final boolean decoupled;
    private final double maxGradNorm;
    private long steps;
    private double lastGradNorm = Double.NaN;

    /**
     * @param averaging weight of the weights before the step (0.5 in the reference; 0 disables averaging)
     */
    public AdamL2(ParameterList parameters, NDManager manager, double weightDecay, double averaging) {
        this(parameters, manager, weightDecay, averaging, false);
    }

    /**
     * @param averaging weight of the weights before the step (0 disables averaging)
     * @param decoupled AdamW: decay the weights directly instead of adding L2 to the gradient
     */
    public AdamL2(ParameterList parameters, NDManager manager, double weightDecay, double averaging,
                  boolean decoupled) {
        this(parameters, manager, weightDecay, averaging, decoupled, 0);
    }

    /**
     * @param averaging   weight of the weights before the step (0 disables averaging)
     * @param decoupled   AdamW: decay the weights directly instead of adding L2 to the gradient
     * @param maxGradNorm scale the gradient down to this global L2 norm when it is larger (0: never)
     */
    public AdamL2(ParameterList parameters, NDManager manager, double weightDecay, double averaging,
                  boolean decoupled, double maxGradNorm) {
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("the gradient-norm limit must be 0 (off) or positive, got "
                    + maxGradNorm);
        }
        this.decoupled = decoupled;
        this.maxGradNorm = maxGradNorm;
        // Only trainable parameters: BatchNorm's running statistics are parameters too, but not learned.
        this.params = parameters.values().stream().filter(Parameter::requiresGradient).toList();
        this.weightDecay = weightDecay;
        this.averaging = averaging;
        for (Parameter p : params) {
            mean.add(p.getArray().zerosLike());
            variance.add(p.getArray().zerosLike());
        }
        mean.forEach(a -> a.attach(manager));
        variance.forEach(a -> a.attach(manager));
    }

    /**
     * One step with learning rate {@code lr}; zeroes the gradients afterwards. A batch whose gradient is not finite
     * somewhere (an overflow in the backward pass; the loss itself was finite) changes nothing: no parameter and no
     * moment moves, the gradients are zeroed, and the step is not counted.
     *
     * @return the name of the first parameter with a non-finite gradient when the step was skipped, else null
     */
    public String step(double lr) {
        double squares = 0;
        for (Parameter p : params) {
            NDArray w = p.getArray();
            try (NDArray grad = w.getGradient(); NDManager scratch = w.getManager().newSubManager()) {
                NDArray abs = grad.abs();
                abs.attach(scratch); // else it stays in the model's manager, one array per parameter per step
                // the largest entry (finite?) and the sum of squares (the norm), read in one transfer
                float[] maxAndSquares = NDArrays.stack(new NDList(abs.max(), abs.square().sum())).toFloatArray();
                if (!Float.isFinite(maxAndSquares[0])) {
                    zeroGradients();
                    lastGradNorm = Double.NaN; // a skipped step has no norm
                    return p.getName();
                }
                squares += maxAndSquares[1];
            }
        }
        lastGradNorm = Math.sqrt(squares);
        float gradScale = maxGradNorm > 0 && lastGradNorm > maxGradNorm ? (float) (maxGradNorm / lastGradNorm) : 1f;
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).getArray();
            try (NDArray grad = w.getGradient(); NDManager scratch = w.getManager().newSubManager()) {
                NDArray g = grad.duplicate();
                g.attach(scratch);
                if (gradScale != 1f) {
                    g.muli(gradScale);
                }
                if (weightDecay != 0 && !decoupled) {
                    NDArray wd = w.mul((float) weightDecay);
                    wd.attach(scratch);
                    g.addi(wd);
                }
                NDArray m = mean.get(i);
                NDArray v = variance.get(i);
                m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                // update = lr * (m / bc1) / (sqrt(v / bc2) + eps), then w_new = w - update;
                // averaging: w = a w + (1 - a) w_new = w - (1 - a) update.
                // Every temporary goes to the scratch manager: results of m and v would otherwise belong to the
                // model's manager and pile up at every step (22 GB after 19 epochs before this was fixed).
                NDArray scaled = v.div((float) bc2);
                scaled.attach(scratch);
                NDArray denom = scaled.sqrt(); // belongs to scratch, like its operand
                denom.addi((float) eps);
                NDArray update = m.div((float) bc1);
                update.attach(scratch);
                update.divi(denom);
                if (weightDecay != 0 && decoupled) {
                    NDArray wd = w.mul((float) weightDecay);
                    wd.attach(scratch);
                    update.addi(wd);
                }
                update.muli((float) (lr * (1 - averaging)));
                w.subi(update);
                grad.subi(grad); // DJL's PyTorch engine never zeroes gradients by itself
            }
        }
        return null;
    }

    private void zeroGradients() {
        for (Parameter p : params) {
            try (NDArray grad = p.getArray().getGradient()) {
                grad.set(new NDIndex("..."), 0f); // in place; NaN * 0 and inf - inf would stay NaN
            }
        }
    }

    public long steps() {
        return steps;
    }

    /** The global L2 norm of the last step's gradient before any clipping (NaN before the first step and after a
     * skipped one). */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /** Writes the step count and moments. */
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            out.write(new NDList(mean.get(i), variance.get(i)).encode());
        }
    }

    /** Restores what {@link #save} wrote; the parameter list must be the same model's. */
    public void load(DataInputStream in, NDManager manager) throws IOException {
        steps = in.readLong();
        int n = in.readInt();
        if (n != params.size()) {
            throw new IOException("optimizer state holds " + n + " parameters, the model has " + params.size());
        }
        for (int i = 0; i < n; i++) {
            NDList pair = NDList.decode(manager, in);
            mean.get(i).set(pair.get(0).toFloatArray());
            variance.get(i).set(pair.get(1).toFloatArray());
            pair.close();
        }
    }
}
