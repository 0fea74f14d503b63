package io.stethostream.training.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting a classifier from a pretraining run: the encoder's weights are copied in; the classification head and the
 * contrastive projector keep their fresh initialisation (pretraining never trained them). An encoder whose
 * architecture or front end differs from the model being trained is refused with every difference named, with one
 * exception: an encoder pretrained without the frame-difference channels ({@link AstConfig#delta()}) may start a model
 * with them. Its first layer then reads the log-mel channel with the pretrained weights and the two difference
 * channels with zero weights, so the model starts as the pretrained encoder and learns what the differences add.
 */
public final class PretrainedEncoder {

    private PretrainedEncoder() {
    }

    /** Whether a folder is a finished pretraining run ({@value PretrainingRun#ENCODER_INFO} is present). */
    public static boolean isPretrainingRun(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(PretrainingRun.ENCODER_INFO));
    }

    /**
     * Checks that an encoder fits a model and front end.
     *
     * @throws IllegalArgumentException naming every mismatch
     */
    public static void checkFits(PretrainingRun.EncoderInfo info, AstConfig model, FeatureSpec spec) {
        List<String> diff = new ArrayList<>();
        AstConfig e = info.model();
        compare(diff, "width D", e.dim(), model.dim());
        compare(diff, "depth", e.depth(), model.depth());
        compare(diff, "heads", e.heads(), model.heads());
        compare(diff, "patch stride", e.stride(), model.stride());
        compare(diff, "convolutional stem channels", e.stem(), model.stem());
        if (e.delta() && !model.delta()) {
            diff.add("frame-difference channels (--delta) are in the encoder, not here");
        }
        compare(diff, "mel bins", e.melBins(), model.melBins());
        compare(diff, "frames (window length)", e.frames(), model.frames());
        FeatureSpec es = info.featureSpec();
        if (es != null) {
            compare(diff, "front-end sample rate", es.sampleRate(), spec.sampleRate());
            compare(diff, "front-end frame shift (ms)", es.frameShiftMs(), spec.frameShiftMs());
            compare(diff, "front-end frame length (ms)", es.frameLengthMs(), spec.frameLengthMs());
            compare(diff, "front-end normalisation mean", es.normMean(), spec.normMean());
            compare(diff, "front-end normalisation std", es.normStd(), spec.normStd());
            compare(diff, "front-end mel range (Hz)", es.lowFreq() + "-" + es.highFreq(),
                    spec.lowFreq() + "-" + spec.highFreq());
        }
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("the pretrained encoder does not fit this model: "
                    + String.join("; ", diff));
        }
    }

    private static void compare(List<String> diff, String what, Object encoder, Object model) {
        if (!encoder.equals(model)) {
            diff.add(what + " is " + encoder + " in the encoder, " + model + " here");
        }
    }

    /**
     * Copies the encoder parameters of a {@code .params} file into {@code model}; returns how many parameters were
     * copied. The file was written for the model's configuration, or for it without the frame-difference channels
     * when {@code encoderHasDelta} is false (see the class comment).
     */
    public static int load(AstModel model, NDManager manager, Path params, boolean encoderHasDelta)
            throws IOException {
        AstConfig target = model.config();
        boolean widen = target.delta() && !encoderHasDelta;
        // the layer that reads the model's input: the stem when there is one, else the patch embedding
        String firstLayer = target.stem() > 0 ? "stem_weight" : "patch_embed_weight";
        int copied = 0;
        try (NDManager scratch = manager.newSubManager()) {
            // a pretraining run has no head, so no window-statistics head either
            AstModel source = new AstModel(target.withDelta(target.delta() && encoderHasDelta).withStats(false));
            source.initialize(scratch, DataType.FLOAT32, model.inputShape(1));
            Checkpoints.loadParams(source, scratch, params);
            for (var p : model.getParameters()) {
                if (!AstModel.isEncoderParameter(p.getKey())) {
                    continue;
                }
                NDArray from = source.getParameters().get(p.getKey()).getArray();
                NDArray to = p.getValue().getArray();
                if (widen && p.getKey().endsWith(firstLayer)) {
                    to.muli(0);
                    to.set(new NDIndex(":, 0:1"), from);
                } else {
                    to.set(from.toFloatArray());
                }
                copied++;
            }
        }
        Checkpoints.enableGradients(model);
        return copied;
    }
}
