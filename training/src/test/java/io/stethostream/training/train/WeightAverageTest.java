package io.stethostream.training.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The moving average of the weights against its formula, on a real DJL model. */
class WeightAverageTest {

    @Test
    void theAverageStartsAtTheWeightsAndFollowsTheDecayWithItsWarmUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4));
            model.initialize(m, DataType.FLOAT32, model.inputShape(2));
            Checkpoints.enableGradients(model);
            WeightAverage average = new WeightAverage(model, m, 0.9);
            List<Parameter> trained = trainable(model);
            List<Parameter> avg = trainable(average.model());
            assertEquals(trained.size(), avg.size());
            float[][] start = new float[trained.size()][];
            for (int i = 0; i < trained.size(); i++) {
                start[i] = trained.get(i).getArray().toFloatArray();
                assertArrayEquals(start[i], avg.get(i).getArray().toFloatArray(), trained.get(i).getName());
                assertFalse(avg.get(i).getArray().hasGradient(), "the average is never trained");
            }
            assertEquals(2.0 / 11, average.decayAt(1), 1e-12, "warm-up of the decay");
            assertEquals(0.9, average.decayAt(1000), 1e-12, "then the configured decay");

            trained.forEach(p -> p.getArray().addi(1f)); // a step that moves every weight by +1
            average.update(1);
            double d1 = average.decayAt(1);
            average.update(1000); // the same weights again
            double expected = (1 - d1) * 0.9 + 0.1; // w0 + 1 - d1, then 0.9 of that plus 0.1 of w0 + 1
            for (int i = 0; i < trained.size(); i++) {
                float[] got = avg.get(i).getArray().toFloatArray();
                for (int j = 0; j < got.length; j++) {
                    assertEquals(start[i][j] + expected, got[j], 1e-5, trained.get(i).getName() + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void aDecayOutsideZeroToOneIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            AstModel model = new AstModel(new AstConfig("custom", 32, 1, 2, 16, 128, 64, 4));
            model.initialize(m, DataType.FLOAT32, model.inputShape(2));
            for (double bad : new double[]{0, 1, -0.5}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new WeightAverage(model, m, bad));
                assertTrue(e.getMessage().contains("decay"), e.getMessage());
            }
        }
    }

    private static List<Parameter> trainable(AstModel model) {
        return model.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
    }
}
