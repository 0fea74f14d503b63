package io.stethostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.stethostream.training.model.AstModel;

import java.util.List;

/**
 * An exponential moving average of a model's trainable weights (Polyak averaging), kept as a second model of the same
 * configuration so that it can be evaluated, selected and saved like the trained one.
 *
 * <p>Why: fine-tuned on SPRSound, the trained weights flip between near one-class answers from one epoch to the next
 * (docs/results.md), so the epoch the validation rule picks is partly chance. The average over the last few hundred
 * steps moves slowly and keeps what the steps agree on.
 *
 * <p>After optimiser step {@code t} (1-based, skipped steps not counted): {@code avg = d avg + (1 - d) w} with
 * {@code d = min(decay, (1 + t) / (10 + t))}, the usual warm-up of the decay, so that the first steps' weights (a fresh
 * head on a pretrained encoder) are not carried for thousands of steps. Since {@code t} is the optimiser's own step
 * count, a resumed run that restores the optimiser and the average continues exactly.
 */
public final class WeightAverage {

    private final AstModel averaged;
    private final List<Parameter> trained;
    private final List<Parameter> average;
    private final double decay;

    /**
     * Starts the average at {@code model}'s current weights.
     *
     * @param decay the decay per step, in (0, 1): about the last {@code 1 / (1 - decay)} steps count
     */
    public WeightAverage(AstModel model, NDManager manager, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("weight-average decay must be in (0, 1), got " + decay);
        }
        this.decay = decay;
        this.averaged = new AstModel(model.config());
        averaged.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        this.trained = model.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
        this.average = averaged.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
        for (int i = 0; i < trained.size(); i++) {
            if (!trained.get(i).getName().equals(average.get(i).getName())) {
                throw new IllegalStateException("parameter " + i + " is " + trained.get(i).getName() + " in the model, "
                        + average.get(i).getName() + " in its average");
            }
            average.get(i).getArray().set(new NDIndex("..."), trained.get(i).getArray());
        }
        freeze();
    }

    /** The decay used after optimiser step {@code step} (1-based). */
    public double decayAt(long step) {
        return Math.min(decay, (1.0 + step) / (10.0 + step));
    }

    /** Folds the model's current weights into the average after optimiser step {@code step} (1-based). */
    public void update(long step) {
        float d = (float) decayAt(step);
        // one scratch manager for the step's temporaries (this runs after every optimiser step)
        try (NDManager scratch = average.get(0).getArray().getManager().newSubManager()) {
            for (int i = 0; i < trained.size(); i++) {
                NDArray w = trained.get(i).getArray().mul(1 - d);
                w.attach(scratch);
                average.get(i).getArray().muli(d).addi(w);
            }
        }
    }

    /** Restores the average a checkpoint saved ({@code Checkpoints.writeParams(model(), file)}). */
    public void load(NDManager manager, java.nio.file.Path file) throws java.io.IOException {
        Checkpoints.loadParams(averaged, manager, file);
        freeze();
    }

    /** The average is never trained: no gradients (loading marks them, as for any model). */
    private void freeze() {
        average.forEach(p -> p.getArray().setRequiresGradient(false));
    }

    /** The averaged weights as a model: evaluate, select and save this one. */
    public AstModel model() {
        return averaged;
    }
}
