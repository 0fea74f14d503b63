package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.ingest.synth.SyntheticRecordingWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Stethostream.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String[] trainArgs(Path out, int epochs) {
        return new String[] {"train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "1",
                "--stride", "16", "--window-seconds", "2", "--epochs", Integer.toString(epochs), "--batch-size", "4",
                "--method", "patchmix-cl", "--validation-fraction", "0.25", "--seed", "3", "--out", out.toString()};
    }

    @Test
    void trainWritesTheRunAndEvaluateScoresIt() throws IOException {
        Path out = dir.resolve("run");
        Result r = run(trainArgs(out, 2));
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

        Result eval = run("evaluate", "--checkpoint", out.toString(), "--dataset", "icbhi", "--root",
                icbhi.toString(), "--weights", "last", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode scores = new ObjectMapper().readTree(eval.out()).get("scores");
        assertTrue(scores.get("cycles").asLong() > 0);
        assertTrue(scores.has("specificity") && scores.has("score") && scores.has("confusion"));

        Path onnx = dir.resolve("model.onnx");
        Result export = run("export", "--checkpoint", out.toString(), "--weights", "last", "--out", onnx.toString(),
                "--verify");
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.size(onnx) > 10_000 && export.out().contains("verify:"), export.out());
        assertEquals(ExitCodes.BAD_INPUT, run("export", "--checkpoint", dir.resolve("none").toString(), "--out",
                dir.resolve("bad.onnx").toString()).code());
        assertTrue(Files.notExists(dir.resolve("bad.onnx")));

        // The run already exists: a second train into it is refused; --resume with nothing left to do is fine.
        assertEquals(ExitCodes.BAD_INPUT, run(trainArgs(out, 2)).code());
        Result resumed = run("train", "--resume", out.toString()); // dataset and roots come from config.json
        assertEquals(0, resumed.code(), resumed.err());
    }

    @Test
    void badRootsAndOptionsAreTheUsersErrors() {
        Result r = run("train", "--dataset", "icbhi", "--root", dir.resolve("nowhere").toString(), "--out",
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
