package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.ingest.synth.SyntheticRecordingWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.stethostream.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, resume and evaluate through the real parser, on a small ICBHI-layout folder of synthetic recordings. */
class TrainCommandTest {

    @TempDir
    static Path dir;
    static Path icbhi;

    @BeforeAll
    static void fakeDatabase() throws IOException {
        icbhi = dir.resolve("icbhi");
        Path audio = icbhi.resolve("audio_and_txt_files");
        Files.createDirectories(audio);
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE, SoundKind.BOTH};
        StringBuilder split = new StringBuilder();
        for (int p = 0; p < 8; p++) {
            String name = (101 + p) + "_1b1_Al_sc_Meditron";
            var rec = RespiratorySoundGenerator.generate(new SynthParameters(kinds[p % 4], 12, 8000, 20, p));
            SyntheticRecordingWriter.write(audio, name, rec);
            Files.delete(audio.resolve(name + ".events.json"));
            split.append(name).append('\t').append(p < 6 ? "train" : "test").append("\r\n");
        }
        Files.writeString(icbhi.resolve("ICBHI_challenge_train_test.txt"), split.toString());
    }

    private static String[] trainArgs(Path out, int epochs) {
        return new String[] {"train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "1",
                "--stride", "16", "--window-seconds", "2", "--epochs", Integer.toString(epochs), "--batch-size", "4",
                "--method", "patchmix-cl", "--validation-fraction", "0.25", "--seed", "3", "--out", out.toString()};
    }

    @Test
    void trainWritesTheRunAndEvaluateScoresIt() throws IOException {
        Path out = dir.resolve("run");
        CliResult r = run(trainArgs(out, 2));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("device: CPU"), r.out());
        assertTrue(r.out().contains("epoch   2"), r.out());
        for (String f : new String[] {"config.json", "feature-spec.json", "command.txt", "train.log", "metrics.json",
                "learning-curves.png", "model-last.params", "model-best-val.params"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("epochs").size());
        assertTrue(metrics.get("run").get("command").asText().contains("--method patchmix-cl"));

        CliResult eval = run("evaluate", "--checkpoint", out.toString(), "--dataset", "icbhi", "--root",
                icbhi.toString(), "--weights", "last", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode scores = new ObjectMapper().readTree(eval.out()).get("scores");
        assertTrue(scores.get("cycles").asLong() > 0);
        assertTrue(scores.has("specificity") && scores.has("score") && scores.has("confusion"));

        Path onnx = dir.resolve("model.onnx");
        CliResult export = run("export", "--checkpoint", out.toString(), "--weights", "last", "--out", onnx.toString(),
                "--verify");
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.size(onnx) > 10_000 && export.out().contains("verify:"), export.out());
        // The exported file scores exactly like the checkpoint it came from (same cycles, features, argmax).
        CliResult evalOnnx = run("evaluate", "--model", onnx.toString(), "--root", icbhi.toString(), "--json");
        assertEquals(0, evalOnnx.code(), evalOnnx.err());
        JsonNode onnxScores = new ObjectMapper().readTree(evalOnnx.out()).get("scores");
        assertEquals(scores, onnxScores, "ONNX and DJL scores of the same weights");
        for (String split : new String[] {"validation", "train"}) {
            JsonNode viaDjl = new ObjectMapper().readTree(run("evaluate", "--checkpoint", out.toString(), "--weights",
                    "last", "--split", split, "--json").out()).get("scores");
            JsonNode viaOnnx = new ObjectMapper().readTree(run("evaluate", "--model", onnx.toString(), "--split",
                    split, "--json").out()).get("scores");
            assertEquals(viaDjl, viaOnnx, split);
        }

        // classify: one JSON line per annotated cycle, probabilities that sum to one, the model's version on each.
        Path wav = icbhi.resolve("audio_and_txt_files").resolve("107_1b1_Al_sc_Meditron.wav");
        CliResult cls = run("classify", "--model", onnx.toString(), "--cycles", wav.toString());
        assertEquals(0, cls.code(), cls.err());
        String[] lines = cls.out().strip().split("\n");
        assertEquals(io.stethostream.ingest.dataset.IcbhiAnnotationFile.read(
                wav.resolveSibling("107_1b1_Al_sc_Meditron.txt")).size(), lines.length);
        for (String line : lines) {
            JsonNode j = new ObjectMapper().readTree(line);
            double sum = 0;
            for (JsonNode prob : j.get("probabilities")) {
                sum += prob.asDouble();
            }
            assertEquals(1.0, sum, 1e-3, line);
            assertEquals("run", j.get("version").asText());
            assertTrue(j.get("probabilities").has(j.get("label").asText()), line);
        }
        // Sliding windows of the model's 2 s length every 1 s (--hop) over a 12 s recording: 11 windows.
        CliResult windows = run("classify", "--model", onnx.toString(), "--hop", "1", wav.toString());
        assertEquals(0, windows.code(), windows.err());
        assertEquals(11, windows.out().strip().split("\n").length, windows.out());
        assertEquals(ExitCodes.BAD_INPUT, run("classify", "--model", wav.toString(), wav.toString()).code());
        assertEquals(ExitCodes.BAD_INPUT, run("classify", "--model", onnx.toString(), "--cycles",
                dir.resolve("model.onnx").toString()).code());

        assertEquals(ExitCodes.BAD_INPUT, run("export", "--checkpoint", dir.resolve("none").toString(), "--out",
                dir.resolve("bad.onnx").toString()).code());
        assertTrue(Files.notExists(dir.resolve("bad.onnx")));

        // The run already exists: a second train into it is refused; --resume with nothing left to do is fine.
        assertEquals(ExitCodes.BAD_INPUT, run(trainArgs(out, 2)).code());
        CliResult resumed = run("train", "--resume", out.toString()); // dataset and roots come from config.json
        assertEquals(0, resumed.code(), resumed.err());
    }

    /**
     * The fine-tuning recipe's options parse, reach config.json and train (one tiny epoch); evaluate --band-limit
     * scores the run on band-limited audio (with the change-only window statistics, which export must carry).
     */
    @Test
    void theFineTuningRecipeOptionsTrainAndEvaluateScoresBandLimitedAudio() throws IOException {
        Path out = dir.resolve("recipe");
        CliResult r = run("train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "1", "--stride", "16",
                "--window-seconds", "2", "--epochs", "1", "--batch-size", "4", "--method", "ce",
                "--validation-fraction", "0.25", "--seed", "3", "--schedule", "step-cosine", "--warmup-steps", "1",
                "--optimizer", "adamw", "--weight-decay", "0.05", "--class-weights", "sqrt", "--augment",
                "band,gain,noise,shift", "--stats", "change", "--units", "windows", "--clip-grad", "0.5", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("gradient norm limited to 0.5"), r.out());
        assertTrue(r.out().contains("epoch 1 gradient norm: median ") && r.out().contains(" of "), r.out());
        assertTrue(r.out().contains(" stats=change"), r.out());
        assertTrue(r.out().contains("test windows"), r.out());
        assertTrue(r.out().contains("recipe: schedule step-cosine with 1 warm-up steps, optimizer adamw"), r.out());
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("step-cosine", config.get("schedule").asText());
        assertEquals(1, config.get("warmupSteps").asInt());
        assertEquals("adamw", config.get("optimizer").asText());
        assertEquals("sqrt", config.get("classWeights").asText());
        assertEquals("[\"band\",\"gain\",\"noise\",\"shift\"]", config.get("augment").toString());
        assertTrue(config.get("model").get("stats").asBoolean() && config.get("model").get("statsChangeOnly")
                .asBoolean(), config.toString());
        assertEquals("windows", config.get("units").asText());
        assertEquals(0.5, config.get("clipGradNorm").asDouble(), 0.0);
        JsonNode epoch = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("epochs").get(0);
        assertTrue(Double.isFinite(epoch.get("trainLoss").asDouble()), epoch.toString());

        CliResult eval = run("evaluate", "--checkpoint", out.toString(), "--weights", "last", "--band-limit", "4000",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode result = new ObjectMapper().readTree(eval.out());
        assertEquals(4000, result.get("bandLimitHz").asInt());
        assertEquals("windows", result.get("units").asText(), "the run's units by default");
        long windows = result.get("scores").get("cycles").asLong();
        assertTrue(windows > 0);
        CliResult events = run("evaluate", "--checkpoint", out.toString(), "--weights", "last", "--units", "events",
                "--json");
        assertEquals(0, events.code(), events.err());
        JsonNode eventScores = new ObjectMapper().readTree(events.out());
        assertEquals("events", eventScores.get("units").asText());
        assertTrue(eventScores.get("scores").get("cycles").asLong() != windows, events.out());
        CliResult context = run("evaluate", "--checkpoint", out.toString(), "--weights", "last", "--units",
                "context", "--json");
        assertEquals(0, context.code(), context.err());
        JsonNode contextScores = new ObjectMapper().readTree(context.out());
        assertEquals("context", contextScores.get("units").asText());
        assertEquals(eventScores.get("scores").get("cycles").asLong(),
                contextScores.get("scores").get("cycles").asLong(), "the same events, each in its window");
        CliResult resume = run("train", "--resume", out.toString(), "--units", "events");
        assertEquals(ExitCodes.BAD_INPUT, resume.code());
        assertTrue(resume.err().contains("--units events") && resume.err().contains("windows"), resume.err());
        CliResult text = run("evaluate", "--checkpoint", out.toString(), "--weights", "last", "--band-limit", "8000");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("through 8000 Hz sampling"), text.out());
        CliResult bad = run("evaluate", "--checkpoint", out.toString(), "--weights", "last", "--band-limit", "2000");
        assertEquals(ExitCodes.BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--band-limit"), bad.err());
    }

    @Test
    void theDatasetNormalisationIsMeasuredOnTheTrainingSplitKeptOnResumeAndUsedByEvaluate() throws IOException {
        Path out = dir.resolve("normalised");
        String[] args = trainArgs(out, 1);
        String[] withNorm = Arrays.copyOf(args, args.length + 2);
        withNorm[args.length] = "--norm";
        withNorm[args.length + 1] = "dataset";
        CliResult r = run(withNorm);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(measured on the training split)"), r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode kept = json.readTree(out.resolve("config.json").toFile()).get("normalisation");
        JsonNode spec = json.readTree(out.resolve("feature-spec.json").toFile());
        assertEquals(kept.get("mean").asDouble(), spec.get("normMean").asDouble(), 0.0);
        assertEquals(kept.get("std").asDouble(), spec.get("normStd").asDouble(), 0.0);
        assertNotEquals(FeatureSpec.PATCH_MIX.normMean(), kept.get("mean").asDouble(), 1e-3);

        // resume reads it back; evaluate --checkpoint and the exported model normalise alike, so they score alike
        CliResult resumed = run("train", "--resume", out.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(spec, json.readTree(out.resolve("feature-spec.json").toFile()));
        Path onnx = dir.resolve("normalised.onnx");
        assertEquals(0, run("export", "--checkpoint", out.toString(), "--weights", "last", "--out",
                onnx.toString()).code());
        JsonNode viaDjl = json.readTree(run("evaluate", "--checkpoint", out.toString(), "--weights", "last",
                "--json").out()).get("scores");
        JsonNode viaOnnx = json.readTree(run("evaluate", "--model", onnx.toString(), "--root", icbhi.toString(),
                "--json").out()).get("scores");
        assertEquals(viaDjl, viaOnnx);

        // given statistics are kept as given; anything else is refused naming the option
        Path given = dir.resolve("given");
        String[] withGiven = Arrays.copyOf(trainArgs(given, 1), args.length + 2);
        withGiven[args.length] = "--norm";
        withGiven[args.length + 1] = "-12.5,3";
        assertEquals(0, run(withGiven).code());
        JsonNode g = json.readTree(given.resolve("config.json").toFile()).get("normalisation");
        assertEquals(-12.5, g.get("mean").asDouble(), 0.0);
        assertEquals(3.0, g.get("std").asDouble(), 0.0);
        for (String bad : new String[] {"levels", "-12.5", "-12.5,0", "a,b"}) {
            Path badOut = dir.resolve("bad-norm");
            String[] badArgs = Arrays.copyOf(trainArgs(badOut, 1), args.length + 2);
            badArgs[args.length] = "--norm";
            badArgs[args.length + 1] = bad;
            CliResult refused = run(badArgs);
            assertEquals(ExitCodes.BAD_INPUT, refused.code(), bad);
            assertTrue(refused.err().contains("--norm"), refused.err());
            assertFalse(Files.exists(badOut.resolve("config.json")), bad);
        }
    }

    @Test
    void recipeOptionsThatDoNotFitAreRefusedNamingTheOption() {
        CliResult r = run("train", "--dataset", "icbhi", "--root", icbhi.toString(), "--warmup-steps", "100", "--out",
                dir.resolve("w").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("--warmup-steps") && r.err().contains("--schedule step-cosine"), r.err());
        for (String[] option : new String[][] {{"--optimizer", "sgd"}, {"--schedule", "linear"},
                {"--augment", "gain,reverb"}, {"--class-weights", "balanced"}, {"--stats", "levels"},
                {"--units", "segments"}, {"--clip-grad", "-1"}}) {
            CliResult bad = run("train", "--dataset", "icbhi", "--root", icbhi.toString(), option[0], option[1],
                    "--out", dir.resolve("o").toString());
            assertEquals(ExitCodes.BAD_INPUT, bad.code(), String.join(" ", option));
            assertTrue(bad.err().contains(option[1].replace("gain,", "")), bad.err());
        }
        assertTrue(Files.notExists(dir.resolve("w")) && Files.notExists(dir.resolve("o")), "nothing written");
    }

    @Test
    void badRootsAndOptionsAreTheUsersErrors() {
        CliResult r = run("train", "--dataset", "icbhi", "--root", dir.resolve("nowhere").toString(), "--out",
                dir.resolve("x").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("nowhere"), r.err());
        assertEquals(ExitCodes.BAD_INPUT, run("train", "--dataset", "icbhi", "--root", icbhi.toString(),
                "--preset", "huge", "--out", dir.resolve("y").toString()).code());
        assertEquals(ExitCodes.BAD_INPUT, run("evaluate", "--checkpoint", dir.resolve("none").toString(),
                "--dataset", "icbhi", "--root", icbhi.toString()).code());
        assertEquals(ExitCodes.USAGE, run("train", "--dataset", "icbhi").code());
        assertEquals(ExitCodes.BAD_INPUT, run("train", "--out", dir.resolve("z").toString()).code());
    }
}
