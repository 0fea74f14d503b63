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
}
