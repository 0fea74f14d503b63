package io.stethostream.training.pretrain;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stethostream.ingest.AtomicFiles;
import io.stethostream.ingest.features.FeatureExtractor;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.training.eval.Plots;
import io.stethostream.training.model.AstConfig;
import io.stethostream.training.model.AstModel;
import io.stethostream.training.model.MaeDecoder;
import io.stethostream.training.train.AdamL2;
import io.stethostream.training.train.Checkpoints;
import io.stethostream.training.train.LearningRateSchedule;
import io.stethostream.training.train.TorchSetup;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Masked spectrogram patch modelling of the AST encoder (MAE-style). Each step draws window-length crops from the
 * unlabeled recordings, computes their model input with the shared front end, masks {@code maskRatio} of the patches
 * of each crop at random, runs the encoder on the two prefix tokens and the visible patches only, and trains a light
 * decoder to predict the per-patch normalised log-mel values of the masked patches (mean squared error over masked
 * patches only). AdamW with a linear warm-up and a per-step cosine.
 *
 * <p>Why this objective: the encoder never sees the masked patches, so it can only lower the loss by modelling how
 * lung sounds continue across time and frequency; and it is cheap, since the encoder runs on a quarter of the tokens.
 * The alternative (SSAST's joint generative and discriminative objective) needs the encoder on all tokens.
 *
 * <p>The run folder: {@code checkpoints/step-NNNNNNN/} (encoder, decoder, optimiser state, loss history), the newest
 * complete one resumed by {@code --resume}; every random choice of step s comes from a generator seeded by (seed, s),
 * so a resumed run continues exactly as the uninterrupted one. At the end {@value #ENCODER_PARAMS} (an AstModel
 * parameter file whose head and projector are untrained) and {@value #ENCODER_INFO} (its architecture and front end),
 * which {@code train --init-from} takes, plus {@code loss-curve.png} and {@code reconstructions.png}.
 */
public final class PretrainingRun {

    public static final String ENCODER_PARAMS = "encoder.params";
    public static final String ENCODER_INFO = "encoder.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int KEEP = 2;
    private static final String STEP_FOLDER = "step-\\d{7}";
    private static final int FIGURE_CROPS = 3;

    /** What a run reports as it goes. */
    public interface Listener {
        /** After each step; {@code step} counts from 1. */
        default void onStep(int step, int steps, double loss, double learningRate, double samplesPerSecond) {
        }

        default void onMessage(String message) {
        }
    }

    /** The loss of one step. */
    public record StepLoss(int step, double loss) {
    }

    /** What {@value #ENCODER_INFO} says: the encoder's architecture and front end, and how it was made. */
    public record EncoderInfo(AstConfig model, FeatureSpec featureSpec, int steps, double finalLoss,
                              PretrainConfig pretraining) {
    }

    private final PretrainConfig config;
    private final FeatureSpec spec;
    private final UnlabeledAudio.Crops crops;
    private final Path out;
    private final Listener listener;

    public PretrainingRun(PretrainConfig config, FeatureSpec spec, List<UnlabeledAudio.Recording> recordings,
                          Path out, Listener listener) {
        if (spec.targetFrames() != config.model().frames() || spec.melBins() != config.model().melBins()) {
            throw new IllegalArgumentException("front end gives " + spec.targetFrames() + " x " + spec.melBins()
                    + ", the model takes " + config.model().frames() + " x " + config.model().melBins());
        }
        this.config = config;
        this.spec = spec;
        this.crops = new UnlabeledAudio.Crops(recordings, spec);
        this.out = out;
        this.listener = listener;
    }

    /** Pretrains (from the newest checkpoint when {@code resume}) and returns the loss of every step. */
    public List<StepLoss> run(boolean resume) throws IOException {
        Files.createDirectories(out);
        Engine.getInstance().setRandomSeed((int) config.seed());
        Device device = TorchSetup.device();
        AstConfig mc = config.model();
        int b = config.batchSize();
        int visible = mc.patches() - PatchMasking.maskedCount(mc.patches(), config.maskRatio());
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AstModel encoder = new AstModel(mc);
            encoder.initialize(manager, DataType.FLOAT32, encoder.inputShape(b));
            MaeDecoder decoder = new MaeDecoder(mc, config.decoderWidth(), config.decoderDepth(),
                    config.decoderHeads());
            decoder.initialize(manager, DataType.FLOAT32, new Shape(b, visible, mc.dim()),
                    new Shape(b, mc.patches(), visible), new Shape(b, mc.patches(), 1));
            ParameterList trainable = trainable(encoder, decoder);
            AdamL2 optimizer = new AdamL2(trainable, manager, config.weightDecay(), 0, true);
            LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(),
                    config.minLearningRate(), config.warmupSteps(), config.steps());
            List<StepLoss> history = new ArrayList<>();
            int start = 1;
            if (resume) {
                Optional<Path> latest = latestCheckpoint();
                if (latest.isPresent()) {
                    history.addAll(restore(latest.get(), encoder, decoder, optimizer, manager));
                    start = history.size() + 1;
                    listener.onMessage("resumed from " + latest.get() + " (step " + history.size() + ")");
                } else {
                    listener.onMessage("no checkpoint in " + out + ": starting from step 1");
                }
            }
            PatchTargets targets = new PatchTargets(mc, config.targetVarianceFloor());
            FeatureExtractor extractor = new FeatureExtractor(spec);
            ParameterStore ps = new ParameterStore(manager, false);
            long t0 = System.nanoTime();
            for (int s = start; s <= config.steps(); s++) {
                Random random = new Random(config.seed() * 1_000_003L + s);
                float[] inputs = inputs(extractor, b, random);
                PatchMasking masking = PatchMasking.draw(b, mc.patches(), config.maskRatio(), random);
                double lr = schedule.at(s - 1);
                double loss;
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = loss(encoder, decoder, ps, step, inputs, masking, targets, true).head();
                        loss = l.getFloat();
                        if (!Double.isFinite(loss)) {
                            throw new IllegalStateException("loss became " + loss + " at step " + s);
                        }
                        gc.backward(l);
                    }
                    String bad = optimizer.step(lr);
                    if (bad != null) {
                        throw new IllegalStateException("non-finite gradient in " + bad + " at step " + s
                                + ": pretraining diverged; lower the learning rate");
                    }
                }
                history.add(new StepLoss(s, loss));
                double elapsed = (System.nanoTime() - t0) / 1e9;
                listener.onStep(s, config.steps(), loss, lr, (s - start + 1) * b / elapsed);
                if (s % config.checkpointEvery() == 0 || s == config.steps()) {
                    saveCheckpoint(s, encoder, decoder, optimizer, history);
                    figures(encoder, decoder, ps, manager, targets, extractor, history);
                }
            }
            if (start > config.steps()) {
                figures(encoder, decoder, ps, manager, targets, extractor, history);
            }
            Checkpoints.writeParams(encoder, out.resolve(ENCODER_PARAMS));
            double finalLoss = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
            AtomicFiles.write(out.resolve(ENCODER_INFO), JSON.writeValueAsBytes(
                    new EncoderInfo(mc, spec, config.steps(), finalLoss, config)));
            return history;
        }
    }

    /** The masked-patch loss of one batch; returns [loss, prediction (B, N, 256)]. */
    static NDList loss(AstModel encoder, MaeDecoder decoder, ParameterStore ps, NDManager m, float[] inputs,
                       PatchMasking masking, PatchTargets targets, boolean training) {
        AstConfig mc = encoder.config();
        int b = masking.batch();
        int n = mc.patches();
        int v = masking.visibleCount();
        int k2 = MaeDecoder.patchValues();
        NDArray x = m.create(inputs, encoder.inputShape(b));
        NDArray select = m.create(masking.selectionMatrix(), new Shape(b, 2 + v, n + 2));
        NDArray scatter = m.create(masking.scatterMatrix(), new Shape(b, n, v));
        NDArray masked = m.create(masking.maskedColumn(), new Shape(b, n, 1));
        NDArray target = m.create(targets.normalised(targets.patches(inputs, b)), new Shape(b, n, k2));
        NDArray encoded = encoder.encodeSelected(ps, x, select, training);
        NDArray patches = encoded.get(":, 2:");
        NDArray prediction = decoder.reconstruct(ps, patches, scatter, masked, training);
        NDArray perPatch = prediction.sub(target).square().mean(new int[] {2}); // (B, N)
        NDArray loss = perPatch.mul(masked.reshape(b, n)).sum().div((float) (b * (n - v)));
        return new NDList(loss, prediction);
    }

    private float[] inputs(FeatureExtractor extractor, int batch, Random random) {
        int per = spec.targetFrames() * spec.melBins();
        float[] inputs = new float[batch * per];
        for (int i = 0; i < batch; i++) {
            float[] features = extractor.modelInput(crops.next(random)).data();
            System.arraycopy(features, 0, inputs, i * per, per);
        }
        return inputs;
    }

    /** Encoder parameters without the head and projector, and the decoder's; BatchNorm statistics excluded. */
    private static ParameterList trainable(AstModel encoder, MaeDecoder decoder) {
        ParameterList list = new ParameterList();
        for (var p : encoder.getParameters()) {
            if (AstModel.isEncoderParameter(p.getKey()) && p.getValue().requiresGradient()) {
                list.add("encoder/" + p.getKey(), p.getValue());
            }
        }
        for (var p : decoder.getParameters()) {
            if (p.getValue().requiresGradient()) {
                list.add("decoder/" + p.getKey(), p.getValue());
            }
        }
        for (Parameter p : list.values()) {
            p.getArray().setRequiresGradient(true);
        }
        return list;
    }

    /** The reconstruction figure of a fixed set of crops and masks, and the loss curve. */
    private void figures(AstModel encoder, MaeDecoder decoder, ParameterStore ps, NDManager manager,
                         PatchTargets targets, FeatureExtractor extractor, List<StepLoss> history)
            throws IOException {
        Random fixed = new Random(config.seed() * 31 + 17);
        float[] inputs = inputs(extractor, FIGURE_CROPS, fixed);
        PatchMasking masking = PatchMasking.draw(FIGURE_CROPS, config.model().patches(), config.maskRatio(), fixed);
        float[] prediction;
        double loss;
        try (NDManager m = manager.newSubManager()) {
            NDList r = loss(encoder, decoder, ps, m, inputs, masking, targets, false);
            loss = r.get(0).getFloat();
            prediction = r.get(1).toFloatArray();
        }
        int step = history.isEmpty() ? 0 : history.get(history.size() - 1).step();
        ReconstructionFigure.write(config.model(), inputs, masking, targets.patches(inputs, FIGURE_CROPS),
                prediction, targets, String.format(java.util.Locale.ROOT,
                        "Masked patch reconstruction after %d steps (%.0f%% of patches masked; loss on these crops "
                                + "%.3f)",
                        step, 100 * config.maskRatio(), loss), out.resolve("reconstructions.png"));
        if (!history.isEmpty()) {
            int[] steps = history.stream().mapToInt(StepLoss::step).toArray();
            double[] losses = history.stream().mapToDouble(StepLoss::loss).toArray();
            Plots.lossCurve(steps, losses, Math.max(1, Math.min(50, steps.length / 10)),
                    "Pretraining loss (masked patches, normalised targets)", out.resolve("loss-curve.png"));
        }
    }

    private Path checkpointDir() {
        return out.resolve("checkpoints");
    }

    private void saveCheckpoint(int step, AstModel encoder, MaeDecoder decoder, AdamL2 optimizer,
                                List<StepLoss> history) throws IOException {
        ByteArrayOutputStream dec = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(dec)) {
            decoder.saveParameters(o);
        }
        Checkpoints.writeFolder(checkpointDir(), String.format("step-%07d", step), Map.of(
                "encoder.params", Checkpoints.params(encoder), "decoder.params", dec.toByteArray(),
                "optimizer.bin", Checkpoints.optimizerState(optimizer),
                "history.json", JSON.writeValueAsBytes(history)));
        Checkpoints.prune(checkpointDir(), STEP_FOLDER, KEEP);
    }

    private Optional<Path> latestCheckpoint() throws IOException {
        return Checkpoints.newest(checkpointDir(), STEP_FOLDER);
    }

    private static List<StepLoss> restore(Path checkpoint, AstModel encoder, MaeDecoder decoder, AdamL2 optimizer,
                                          NDManager manager) throws IOException {
        Checkpoints.loadParams(encoder, manager, checkpoint.resolve("encoder.params"));
        try (DataInputStream in = new DataInputStream(Files.newInputStream(checkpoint.resolve("decoder.params")))) {
            decoder.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException(checkpoint + ": decoder weights do not fit (" + e.getMessage() + ")", e);
        }
        decoder.getParameters().values().stream().filter(Parameter::requiresGradient)
                .forEach(p -> p.getArray().setRequiresGradient(true));
        try (DataInputStream in = new DataInputStream(Files.newInputStream(checkpoint.resolve("optimizer.bin")))) {
            optimizer.load(in, manager);
        }
        return JSON.readValue(checkpoint.resolve("history.json").toFile(), new TypeReference<List<StepLoss>>() {
        });
    }

    /** Reads a pretraining run's {@value #ENCODER_INFO}. */
    public static EncoderInfo readInfo(Path runDir) throws IOException {
        return JSON.readValue(runDir.resolve(ENCODER_INFO).toFile(), EncoderInfo.class);
    }
}
