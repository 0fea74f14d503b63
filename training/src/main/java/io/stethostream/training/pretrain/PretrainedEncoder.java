package io.stethostream.training.pretrain;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
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
 * architecture or front end differs from the model being trained is refused with every difference named.
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
     * Copies the encoder parameters of a {@code .params} file written for a model of the same configuration into
     * {@code model}; returns how many parameters were copied.
     */
    public static int load(AstModel model, NDManager manager, Path params) throws IOException {
        int copied = 0;
        try (NDManager scratch = manager.newSubManager()) {
            AstModel source = new AstModel(model.config());
            source.initialize(scratch, DataType.FLOAT32, model.inputShape(1));
            Checkpoints.loadParams(source, scratch, params);
            for (var p : model.getParameters()) {
                if (!AstModel.isEncoderParameter(p.getKey())) {
                    continue;
                }
                Parameter from = source.getParameters().get(p.getKey());
                p.getValue().getArray().set(from.getArray().toFloatArray());
                copied++;
            }
        }
        Checkpoints.enableGradients(model);
        return copied;
    }
}
