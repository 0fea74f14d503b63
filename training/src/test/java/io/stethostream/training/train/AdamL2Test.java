package io.stethostream.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optimiser's weight decay, measured on one step with a zero gradient, where Adam's own update is zero. */
class AdamL2Test {

    private static final float[] WEIGHTS = {0.8f, -0.4f, 0.2f, -1.6f, 1.0f, 0.5f};
    private static final float[] BIAS = {0.3f, -0.7f};

    /** A 3 -> 2 linear layer holding {@link #WEIGHTS} and {@link #BIAS}, with gradients on. */
    private static Linear layer(NDManager m) {
        Linear linear = Linear.builder().setUnits(2).build();
        linear.initialize(m, DataType.FLOAT32, new Shape(1, 3));
        Parameter w = linear.getParameters().get("weight");
        Parameter b = linear.getParameters().get("bias");
        w.getArray().set(WEIGHTS);
        b.getArray().set(BIAS);
        w.getArray().setRequiresGradient(true);
        b.getArray().setRequiresGradient(true);
        return linear;
    }

    /** The weights and bias after one step from {@link #WEIGHTS} and {@link #BIAS} with a zero gradient. */
    private static List<float[]> oneStepWithZeroGradient(double lr, double wd, double averaging, boolean decoupled) {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = layer(m);
            Parameter w = linear.getParameters().get("weight");
            Parameter b = linear.getParameters().get("bias");
            AdamL2 adam = new AdamL2(linear.getParameters(), m, wd, averaging, decoupled);
            try (NDManager step = m.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                var out = linear.forward(new ParameterStore(m, false), new NDList(step.ones(new Shape(1, 3))), true)
                        .singletonOrThrow();
                gc.backward(out.mul(0f).sum()); // a zero gradient on every parameter
            }
            adam.step(lr);
            assertEquals(1, adam.steps());
            return List.of(w.getArray().toFloatArray(), b.getArray().toFloatArray());
        }
    }

    @Test
    void adamWWithAZeroGradientShrinksEachWeightByLrTimesDecayTimesWeight() {
        double lr = 0.1;
        double wd = 0.5;
        double averaging = 0.5;
        List<float[]> after = oneStepWithZeroGradient(lr, wd, averaging, true);
        for (int i = 0; i < WEIGHTS.length; i++) {
            assertEquals(WEIGHTS[i] - lr * wd * WEIGHTS[i] * (1 - averaging), after.get(0)[i], 1e-6, "weight " + i);
        }
        for (int i = 0; i < BIAS.length; i++) {
            assertEquals(BIAS[i] - lr * wd * BIAS[i] * (1 - averaging), after.get(1)[i], 1e-6, "bias " + i);
        }
        List<float[]> noAveraging = oneStepWithZeroGradient(lr, wd, 0.0, true);
        assertEquals(WEIGHTS[3] * (1 - lr * wd), noAveraging.get(0)[3], 1e-6);
    }

    /**
     * The paper's Adam with L2 puts the decay through the moments: on the first step m / sqrt(v) is the sign of the
     * decay term, so each weight moves by lr (times 1 - averaging) towards zero, whatever its size.
     */
    @Test
    void adamWithL2MovesEachWeightByTheLearningRateTowardsZero() {
        double lr = 0.1;
        List<float[]> after = oneStepWithZeroGradient(lr, 0.5, 0.5, false);
        for (int i = 0; i < WEIGHTS.length; i++) {
            assertEquals(WEIGHTS[i] - Math.signum(WEIGHTS[i]) * lr * 0.5, after.get(0)[i], 1e-5, "weight " + i);
        }
        List<float[]> noDecay = oneStepWithZeroGradient(lr, 0.0, 0.5, false);
        for (int i = 0; i < WEIGHTS.length; i++) {
            assertEquals(WEIGHTS[i], noDecay.get(0)[i], 0.0, "no decay, no gradient: unchanged");
        }
    }

    /** A batch that overflowed in the backward pass moves nothing, and the next good batch steps as the first. */
    @Test
    void aNonFiniteGradientSkipsTheWholeStepAndZeroesTheGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = layer(m);
            Parameter w = linear.getParameters().get("weight");
            Parameter b = linear.getParameters().get("bias");
            AdamL2 adam = new AdamL2(linear.getParameters(), m, 0.5, 0.0, true);
            try (NDManager step = m.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = step.create(new float[] {1f, Float.POSITIVE_INFINITY, 1f}, new Shape(1, 3));
                var out = linear.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                gc.backward(out.sum()); // the weight's gradient holds infinity
            }
            assertEquals("weight", adam.step(0.1));
            assertEquals(0, adam.steps(), "a skipped step is not counted");
            assertArrayEquals(WEIGHTS, w.getArray().toFloatArray(), 0f);
            assertArrayEquals(BIAS, b.getArray().toFloatArray(), 0f);
            assertEquals(0f, w.getArray().getGradient().abs().sum().getFloat(), 0f, "gradients zeroed");
            assertNull(adam.step(0.1), "a finite (zero) gradient steps");
            assertEquals(1, adam.steps());
        }
    }

    /** The weights and bias after two steps on the loss k * sum(layer(ones)), k = {@code k1} then {@code k2}. */
    private static List<float[]> twoSteps(double k1, double k2, double maxGradNorm, double[] norms) {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = layer(m);
            AdamL2 adam = new AdamL2(linear.getParameters(), m, 0.0, 0.0, true, maxGradNorm);
            double[] ks = {k1, k2};
            for (int i = 0; i < 2; i++) {
                try (NDManager step = m.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    var out = linear.forward(new ParameterStore(m, false), new NDList(step.ones(new Shape(1, 3))),
                            true).singletonOrThrow();
                    gc.backward(out.sum().mul((float) ks[i])); // every gradient entry is k
                }
                assertNull(adam.step(0.1));
                norms[i] = adam.lastGradNorm();
            }
            return List.of(linear.getParameters().get("weight").getArray().toFloatArray(),
                    linear.getParameters().get("bias").getArray().toFloatArray());
        }
    }

    /**
     * A gradient above the limit enters the moments scaled down to the limit (the same weights as a run fed that
     * smaller gradient), one below it unchanged; the norm reported is the one before clipping.
     */
    @Test
    void aGradientAboveTheLimitIsScaledDownToItBeforeTheMoments() {
        double eight = Math.sqrt(8); // 6 weights and 2 biases, each gradient entry k
        double[] norms = new double[2];
        List<float[]> clipped = twoSteps(1, 100, 5, norms);
        assertEquals(eight, norms[0], 1e-5, "first step's norm, under the limit");
        assertEquals(100 * eight, norms[1], 1e-3, "the norm before clipping");
        List<float[]> fedTheLimit = twoSteps(1, 5 / eight, 0, new double[2]);
        List<float[]> unclipped = twoSteps(1, 100, 0, new double[2]);
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(fedTheLimit.get(p), clipped.get(p), 1e-6f, "parameter " + p);
        }
        // without the limit the big step moves the weights further: the clip did something
        assertTrue(Math.abs(unclipped.get(0)[0] - clipped.get(0)[0]) > 1e-3, "unclipped " + unclipped.get(0)[0]
                + " clipped " + clipped.get(0)[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> twoSteps(1, 1, -1, new double[2]));
        assertTrue(e.getMessage().contains("gradient-norm limit"), e.getMessage());
    }
}
