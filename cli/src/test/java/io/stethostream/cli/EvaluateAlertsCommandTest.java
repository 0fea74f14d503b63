package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.OnnxModel;
import io.stethostream.training.data.CycleLoader;
import io.stethostream.training.data.DatasetChoice;
import io.stethostream.training.data.LabelledCycle;
import io.stethostream.training.data.ValidationSplit;
import io.stethostream.training.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.stethostream.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate-alerts} with the shipped model on the demo's SPRSound-shaped folder (a normal, a CAS and a DAS
 * recording of the inter-patient test set), and its answers to bad input.
 */
class EvaluateAlertsCommandTest {

    private static final Path DEMO = Path.of("../demo/recordings");
    private static final Path DEMO_JSON = DEMO.resolve("test_classification_json/2022/inter_test_json");
    private static final Path DEMO_WAV = DEMO.resolve("test_classification_wav/2022");

    @TempDir
    Path dir;

    private static String[] args(Path root, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("evaluate-alerts", "--model",
                Defaults.shippedModel().toString(), "--root", root.toString(), "--threads", "2"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Copies the demo recording {@code source} (label file and audio) into these folders as {@code name}. */
    private static void copyDemoRecording(String source, Path json, Path wav, String name) throws IOException {
        Files.copy(DEMO_JSON.resolve(source + ".json"), json.resolve(name + ".json"));
        Files.copy(DEMO_WAV.resolve(source + ".flac"), wav.resolve(name + ".flac"));
    }

    /** recording name -> [record label, alerts showed] from recordings.csv. */
    private static Map<String, String[]> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("recording,patient,record_label,windows,usable_windows,alerts_showed,abnormal_alerts_raised,"
                + "poor_signal", lines.get(0));
        Map<String, String[]> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.put(f[0], new String[] {f[2], f[5], f[3]});
        }
        return out;
    }

    @Test
    void theDemoRecordingsReplayedAsStreamsShowTheAlertsTheModelHears() throws IOException {
        Path out = dir.resolve("alerts");
        CliResult r = run(args(DEMO, "--json", "--out", out.toString()));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("inter-test", j.get("set").asText());
        assertEquals(3, j.get("recordings").asInt());
        assertEquals(3, j.get("scored").asInt());
        assertEquals(0, j.get("unreadable").asInt());
        // 15.4 s + 9.2 s + 15.4 s (the DAS recording) at a 2 s hop of 4 s windows
        assertTrue(j.get("windows").asInt() >= 6 + 3, r.out());
        Map<String, String[]> rows = rows(out.resolve("recordings.csv"));
        assertEquals(3, rows.size());
        assertEquals("Normal", rows.get("40890405_3.3_0_p4_3668")[0]);
        assertEquals("normal", rows.get("40890405_3.3_0_p4_3668")[1], "6 normal windows raise nothing");
        assertEquals("6", rows.get("40890405_3.3_0_p4_3668")[2]);
        assertEquals("CAS", rows.get("65118898_0.7_0_p1_4170")[0]);
        assertEquals("wheeze", rows.get("65118898_0.7_0_p1_4170")[1], "3 wheeze windows of 3 raise wheezes");
        assertEquals("DAS", rows.get("65121853_1.5_0_p4_4225")[0]);
        assertEquals("crackle", rows.get("65121853_1.5_0_p4_4225")[1], "4 crackle windows of 6 raise crackles");
        JsonNode scores = j.get("scores");
        assertEquals(1.0, scores.get("recall").get("normal").asDouble(), 1e-9);
        assertEquals(1.0, scores.get("recall").get("wheeze").asDouble(), 1e-9);
        assertEquals(1.0, scores.get("recall").get("crackle").asDouble(), 1e-9);
        assertTrue(Files.size(out.resolve("confusion.png")) > 1000);
        assertEquals(j, new ObjectMapper().readTree(out.resolve("scores.json").toFile()));

        CliResult stricter = run(args(DEMO, "--json", "--raise-abnormal", "4", "--of-last", "5"));
        assertEquals(ExitCodes.OK, stricter.code(), stricter.err());
        JsonNode s = new ObjectMapper().readTree(stricter.out());
        assertEquals("alerts at 4 of the last 5 usable windows", s.get("rule").asText());
        assertEquals(0.0, s.get("scores").get("recall").get("wheeze").asDouble(), 1e-9,
                "3 wheeze windows cannot raise a 4-of-5 alert");
    }

    @Test
    void anUnreadableRecordingIsNamedAndCountedAndTheOthersStillScored() throws IOException {
        Path root = dir.resolve("sprsound");
        Path json = root.resolve("test_classification_json/2022/inter_test_json");
        Path wav = root.resolve("test_classification_wav/2022");
        Files.createDirectories(json);
        Files.createDirectories(wav);
        String normal = "40890405_3.3_0_p4_3668";
        copyDemoRecording(normal, json, wav, normal);
        Files.writeString(json.resolve("1_1.0_0_p1_1.json"),
                "{\"record_annotation\": \"DAS\", \"event_annotation\": []}");
        Files.write(wav.resolve("1_1.0_0_p1_1.wav"), new byte[] {'x', 1, 2, 3});

        CliResult r = run(args(root, "--json"));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.err().contains("1_1.0_0_p1_1.wav"), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("unreadable").asInt());
        assertEquals(1, j.get("scored").asInt());
    }

    @Test
    void badRootSetAndRuleAreTheUsersErrors() {
        CliResult missing = run(args(dir.resolve("nowhere")));
        assertEquals(ExitCodes.BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("nowhere"), missing.err());
        CliResult set = run(args(DEMO, "--set", "holdout"));
        assertEquals(ExitCodes.BAD_INPUT, set.code());
        assertTrue(set.err().contains("holdout"), set.err());
        CliResult rule = run(args(DEMO, "--raise-abnormal", "6", "--of-last", "5"));
        assertEquals(ExitCodes.BAD_INPUT, rule.code());
        assertTrue(rule.err().contains("--raise-abnormal"), rule.err());
        CliResult noAudio = run(args(DEMO, "--set", "intra-test"));
        assertEquals(ExitCodes.BAD_INPUT, noAudio.code());
        assertTrue(noAudio.err().contains("intra-test"), noAudio.err());
    }

    /**
     * --set validation replays the training recordings of exactly the patients the model's run held out (the shipped
     * model: seed 1, a fifth of the patients), carved again on the same training events.
     */
    @Test
    void theValidationSetIsTheRunsHeldOutPatientsRecordings() throws IOException {
        // a training set of 12 patients, four per record label, each recording one of the demo's
        Path root = dir.resolve("sprsound");
        Path json = root.resolve("train_classification_json");
        Path wav = root.resolve("train_classification_wav");
        Files.createDirectories(json);
        Files.createDirectories(wav);
        List<String> names = new ArrayList<>();
        try (var listed = Files.list(DEMO_JSON)) {
            for (Path p : listed.sorted().toList()) {
                String source = p.getFileName().toString().replace(".json", "");
                for (int copy = 1; copy <= 4; copy++) {
                    String name = (source.hashCode() & 0xffff) + "0" + copy + "_3.0_0_p1_" + copy;
                    copyDemoRecording(source, json, wav, name);
                    names.add(name);
                }
            }
        }
        assertEquals(12, names.size(), "three demo recordings, four patients each");

        CliResult all = run(args(root, "--set", "train", "--json"));
        assertEquals(ExitCodes.OK, all.code(), all.err());
        assertEquals(12, new ObjectMapper().readTree(all.out()).get("recordings").asInt());
        Path out = dir.resolve("validation");
        CliResult r = run(args(root, "--set", "validation", "--json", "--out", out.toString()));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("validation", j.get("set").asText());
        Set<String> replayed = rows(out.resolve("recordings.csv")).keySet();

        // the carve train makes for the shipped model's configuration, on the same events
        TrainConfig config;
        FeatureSpec fs;
        try (OnnxModel onnx = ModelFiles.open(Defaults.shippedModel(), 1)) {
            config = EvaluateCommand.configOf(onnx);
            fs = onnx.featureSpec();
        }
        CycleLoader.Splits splits = CycleLoader.load(DatasetChoice.SPRSOUND, null, root, fs,
                config.trainingUnits(), ScanProgress.NONE);
        Set<String> heldOut = new TreeSet<>();
        for (LabelledCycle c : ValidationSplit.carve(splits.train(), config.validationFraction(), config.seed())
                .validation()) {
            heldOut.add(c.recording());
        }
        assertFalse(heldOut.isEmpty(), "the carve holds out someone");
        assertTrue(heldOut.size() < names.size(), "and not everyone");
        assertEquals(heldOut, new TreeSet<>(replayed));
    }
}
