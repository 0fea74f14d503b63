package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.WavWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.stethostream.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code classify} with the shipped model: what it hears on the demo's test-set recordings, and bad files reported one
 * by one without stopping the good ones.
 */
class ClassifyCommandTest {

    private static final Path MODEL = Defaults.shippedModel();

    @TempDir
    Path dir;
    private Path good1;
    private Path good2;
    private Path garbage;
    private Path missing;

    private static String[] classify(Path... files) {
        List<String> args = new ArrayList<>(List.of("classify", "--model", MODEL.toString(), "--threads", "2"));
        for (Path f : files) {
            args.add(f.toString());
        }
        return args.toArray(String[]::new);
    }

    @BeforeEach
    void writeInputs() throws IOException {
        assertTrue(Files.isRegularFile(MODEL), "shipped model not found at " + MODEL.toAbsolutePath());
        good1 = dir.resolve("good1.wav");
        good2 = dir.resolve("good2.wav");
        writeTone(good1, 300);
        writeTone(good2, 700);
        garbage = dir.resolve("garbage.wav");
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = 'x'; // never a RIFF/fLaC/ID3 magic by chance
        Files.write(garbage, junk);
        missing = dir.resolve("missing.wav");
    }

    /** 2 s at 16 kHz: shorter than the model's window, so one "fitted" line per file. */
    private static void writeTone(Path file, double hz) throws IOException {
        float[] x = new float[16_000 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / 16_000.0) + 0.01 * Math.sin(i * 1.7));
        }
        WavWriter.write(file, new AudioClip(x, 16_000, file.getFileName().toString()));
    }

    /** The "file" of each stdout line, checking each is a complete result. */
    private static List<String> filesOf(String stdout) throws IOException {
        List<String> files = new ArrayList<>();
        for (String line : stdout.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode j = new ObjectMapper().readTree(line);
            assertTrue(j.get("probabilities").has(j.get("label").asText()), line);
            assertEquals("stethostream-ast-tiny-d4-w4", j.get("model").asText(), line);
            files.add(j.get("file").asText());
        }
        return files;
    }

    @Test
    void badFilesFirstAreReportedWithTheirReasonAndTheGoodOnesStillClassifiedThenExit3() throws IOException {
        CliResult r = run(classify(missing, garbage, good1, good2));

        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertEquals(List.of(good1.toString(), good2.toString()), filesOf(r.out()), r.out());
        assertFalse(r.out().contains("garbage.wav") || r.out().contains("missing.wav"), r.out());

        List<String> errLines = r.err().strip().lines().toList();
        assertTrue(errLines.stream().anyMatch(l -> l.contains(missing.toString()) && l.contains("no such file")),
                r.err());
        assertTrue(errLines.stream().anyMatch(l -> l.contains(garbage.toString())
                && l.contains("not a WAV or FLAC")), r.err());
        assertTrue(r.err().contains("2 of 4 files could not be classified"), r.err());
        assertFalse(r.err().contains("good1.wav") || r.err().contains("good2.wav"), r.err());
    }

    @Test
    void onlyGoodFilesExit0WithNothingOnStderr() throws IOException {
        CliResult r = run(classify(good1, good2));

        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(List.of(good1.toString(), good2.toString()), filesOf(r.out()), r.out());
        assertEquals("", r.err());
    }

    @Test
    void badModelStillFailsAtOnceBeforeAnyFile() {
        CliResult r = run("classify", "--model", garbage.toString(), good1.toString(), missing.toString());

        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("cannot serve " + garbage), r.err());
        assertFalse(r.err().contains("missing.wav"), r.err());
    }

    /**
     * The demo's three inter-patient test recordings (patients the model never saw), with the labels the shipped model
     * gives their windows: what makes the demo raise no alert on the normal one, a wheeze alert on the wheeze one and a
     * crackle alert on the crackle one (3 abnormal windows among the last 5 raise an alert).
     */
    @Test
    void theDemoRecordingsGetTheLabelsTheirAnnotationsGive() throws IOException {
        Path test = Path.of("../demo/recordings/test_classification_wav/2022");
        Path normal = test.resolve("40890405_3.3_0_p4_3668.flac");
        Path wheeze = test.resolve("65118898_0.7_0_p1_4170.flac");
        Path crackle = test.resolve("65121853_1.5_0_p4_4225.flac");
        CliResult r = run(classify(normal, wheeze, crackle));

        assertEquals(ExitCodes.OK, r.code(), r.err());
        Map<String, List<String>> labels = new LinkedHashMap<>();
        for (String line : r.out().strip().split("\n")) {
            JsonNode j = new ObjectMapper().readTree(line);
            labels.computeIfAbsent(j.get("file").asText(), k -> new ArrayList<>()).add(j.get("label").asText());
        }
        // 15.4 s, 9.2 s and 15.4 s of audio: 6, 3 and 6 windows of 4 s at a 2 s hop.
        assertEquals(Collections.nCopies(6, "normal"), labels.get(normal.toString()), r.out());
        assertEquals(Collections.nCopies(3, "wheeze"), labels.get(wheeze.toString()), r.out());
        assertEquals(List.of("crackle", "crackle", "normal", "crackle", "crackle", "normal"),
                labels.get(crackle.toString()), r.out());
    }
}
