package io.stethostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.eval.ConfusionMatrix;
import io.stethostream.training.model.AstModel;

import java.util.List;

/** Scores a model on labelled cycles: argmax of the logits against the labels, in a confusion matrix. */
public final class Evaluator {

    private final BatchAssembler assembler;
    private final int batchSize;

    public Evaluator(BatchAssembler assembler, int batchSize) {
        this.assembler = assembler;
        this.batchSize = batchSize;
    }

    public ConfusionMatrix evaluate(AstModel model, NDManager manager, List<LabelledCycle> cycles) {
        ConfusionMatrix cm = new ConfusionMatrix();
        ParameterStore ps = new ParameterStore(manager, false);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // no autograd graph while scoring: less memory, same numbers
        try {
            for (int from = 0; from < cycles.size(); from += batchSize) {
                List<LabelledCycle> part = cycles.subList(from, Math.min(cycles.size(), from + batchSize));
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(assembler.batch(part, null), new Shape(part.size(), 1,
                            assembler.spec().targetFrames(), assembler.spec().melBins()));
                    NDArray logits = model.logits(ps, x, model.features(ps, x, null, false), false);
                    long[] predicted = logits.argMax(1).toLongArray();
                    for (int i = 0; i < part.size(); i++) {
                        cm.add(part.get(i).label().ordinal(), (int) predicted[i]);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return cm;
    }
}
