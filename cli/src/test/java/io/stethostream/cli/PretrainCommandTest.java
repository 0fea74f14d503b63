package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.synth.RespiratorySoundGenerator;
import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.ingest.synth.SynthParameters;
import io.stethostream.ingest.synth.SyntheticRecordingWriter;
import io.stethostream.runtime.OnnxModel;
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

/** pretrain, then train --init-from, through the real parser on synthetic recordings. */
class PretrainCommandTest {

    /** A folder of synthetic WAV recordings (in a subfolder, to check the recursive search) and one broken file. */
    private static Path audioFolder(Path dir) throws IOException {
        Path audio = dir.resolve("ward-archive");
        Path nested = audio.resolve("bed-3");
        Files.createDirectories(nested);
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE};
        for (int i = 0; i < 3; i++) {
            var rec = RespiratorySoundGenerator.generate(new SynthParameters(kinds[i], 5, 8000, 20, i));
            SyntheticRecordingWriter.write(i == 0 ? nested : audio, "rec-" + i, rec);
        }
        Files.write(audio.resolve("broken.wav"), new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
        Files.writeString(audio.resolve("notes.txt"), "not audio, ignored");
        return audio;
    }

    private static String[] pretrainArgs(Path audio, Path out) {
        return new String[] {"pretrain", "--audio", audio.toString(), "--depth", "1", "--window-seconds", "2",
                "--steps", "4", "--batch-size", "2", "--decoder-width", "32", "--decoder-depth", "1",
                "--decoder-heads", "2", "--checkpoint-every", "2", "--threads", "2", "--out", out.toString()};
    }

    @Test
    void pretrainsSkippingABrokenFileThenTrainStartsFromTheEncoderAndRefusesAMismatch(@TempDir Path dir)
            throws IOException {
        Path audio = audioFolder(dir);
        Path run = dir.resolve("pretrained");
        CliResult r = run(pretrainArgs(audio, run));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("skipped " + audio.resolve("broken.wav")), r.err());
        assertTrue(r.out().contains("3 recordings") && r.out().contains("1 files skipped"), r.out());
        for (String f : new String[] {"encoder.params", "encoder.json", "loss-curve.png", "reconstructions.png",
                "pretrain.log", "pretrain-config.json"}) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        // resuming a finished run changes nothing and succeeds
        CliResult again = run("pretrain", "--resume", run.toString());
        assertEquals(0, again.code(), again.out() + again.err());

        // fine-tune on an ICBHI-layout folder made of the same kind of recordings
        Path icbhi = icbhiFolder(dir);
        Path tuned = dir.resolve("tuned");
        CliResult t = run("train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "1", "--stride", "16",
                "--window-seconds", "2", "--epochs", "1", "--batch-size", "2", "--method", "ce",
                "--validation-fraction", "0.25", "--init-from", run.toString(), "--out", tuned.toString());
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("encoder initialised from " + run.resolve("encoder.params")), t.out());

        // another depth: refused with the mismatch named, and no run folder left behind
        Path refused = dir.resolve("refused");
        CliResult bad = run("train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "2", "--stride", "16",
                "--window-seconds", "2", "--epochs", "1", "--batch-size", "2", "--method", "ce",
                "--init-from", run.toString(), "--out", refused.toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("depth is 1 in the encoder, 2 here"), bad.err());
        assertFalse(Files.exists(refused.resolve("config.json")));
    }

    /** An ICBHI-layout folder of six synthetic recordings, four of them in the training split. */
    private static Path icbhiFolder(Path dir) throws IOException {
        Path icbhi = dir.resolve("icbhi");
        Path files = icbhi.resolve("audio_and_txt_files");
        Files.createDirectories(files);
        StringBuilder split = new StringBuilder();
        SoundKind[] kinds = {SoundKind.NORMAL, SoundKind.CRACKLE, SoundKind.WHEEZE, SoundKind.BOTH};
        for (int p = 0; p < 6; p++) {
            String name = (101 + p) + "_1b1_Al_sc_Meditron";
            var rec = RespiratorySoundGenerator.generate(new SynthParameters(kinds[p % 4], 8, 8000, 20, p));
            SyntheticRecordingWriter.write(files, name, rec);
            Files.delete(files.resolve(name + ".events.json"));
            split.append(name).append('\t').append(p < 4 ? "train" : "test").append("\r\n");
        }
        Files.writeString(icbhi.resolve("ICBHI_challenge_train_test.txt"), split.toString());
        return icbhi;
    }

    @Test
    void theDatasetNormalisationIsMeasuredOnThePretrainingAudioAndFineTuningKeepsIt(@TempDir Path dir)
            throws IOException {
        Path run = dir.resolve("pretrained");
        String[] args = pretrainArgs(audioFolder(dir), run);
        String[] withNorm = Arrays.copyOf(args, args.length + 2);
        withNorm[args.length] = "--norm";
        withNorm[args.length + 1] = "dataset";
        CliResult r = run(withNorm);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("measured on this audio"), r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode encoderSpec = json.readTree(run.resolve("encoder.json").toFile()).get("featureSpec");
        double mean = encoderSpec.get("normMean").asDouble();
        double std = encoderSpec.get("normStd").asDouble();
        assertNotEquals(FeatureSpec.PATCH_MIX.normMean(), mean, 1e-3, "measured, not AudioSet's");
        assertNotEquals(FeatureSpec.PATCH_MIX.normStd(), std, 1e-3);
        JsonNode kept = json.readTree(run.resolve("pretrain-config.json").toFile()).get("normalisation");
        assertEquals(mean, kept.get("mean").asDouble(), 0.0);
        assertEquals(std, kept.get("std").asDouble(), 0.0);

        // fine-tuning from it without --norm takes the encoder's statistics, and so does its exported model
        Path icbhi = icbhiFolder(dir);
        Path tuned = dir.resolve("tuned");
        String[] train = {"train", "--dataset", "icbhi", "--root", icbhi.toString(), "--depth", "1", "--stride", "16",
                "--window-seconds", "2", "--epochs", "1", "--batch-size", "2", "--method", "ce",
                "--validation-fraction", "0.25", "--init-from", run.toString(), "--out", tuned.toString()};
        CliResult t = run(train);
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("(the pretrained encoder's)"), t.out());
        JsonNode tunedSpec = json.readTree(tuned.resolve("feature-spec.json").toFile());
        assertEquals(mean, tunedSpec.get("normMean").asDouble(), 0.0);
        assertEquals(std, tunedSpec.get("normStd").asDouble(), 0.0);
        Path onnx = dir.resolve("tuned.onnx");
        assertEquals(0, run("export", "--checkpoint", tuned.toString(), "--weights", "last", "--out",
                onnx.toString()).code());
        try (OnnxModel model = OnnxModel.open(onnx)) {
            assertEquals(mean, model.featureSpec().normMean(), 0.0);
            assertEquals(std, model.featureSpec().normStd(), 0.0);
        }

        // AudioSet's statistics on this encoder: refused, naming the mismatch, no run folder left
        Path refused = dir.resolve("refused");
        String[] audioset = Arrays.copyOf(train, train.length + 2);
        audioset[train.length - 1] = refused.toString();
        audioset[train.length] = "--norm";
        audioset[train.length + 1] = "audioset";
        CliResult bad = run(audioset);
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("front-end normalisation mean"), bad.err());
        assertFalse(Files.exists(refused.resolve("config.json")));
    }

    @Test
    void aMissingOrEmptyFolderIsAClearErrorAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        CliResult missing = run(pretrainArgs(dir.resolve("no-such-folder"), out));
        assertEquals(ExitCodes.BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("audio folder does not exist"), missing.err());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no audio here");
        CliResult none = run(pretrainArgs(empty, out));
        assertEquals(ExitCodes.BAD_INPUT, none.code());
        assertTrue(none.err().contains("no .wav or .flac files in"), none.err());
        Path onlyBroken = Files.createDirectories(dir.resolve("broken"));
        Files.write(onlyBroken.resolve("a.flac"), new byte[] {1, 2, 3});
        CliResult broken = run(pretrainArgs(onlyBroken, out));
        assertEquals(ExitCodes.BAD_INPUT, broken.code());
        assertTrue(broken.err().contains("none of the 1 audio files could be read"), broken.err());
        assertFalse(Files.exists(out), "a failed pretraining must not leave a run folder");
    }
}
