package io.stethostream.training.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {

    /** Scores with Sp = normalHits % and Se = crackleHits % (100 normal and 100 crackle cycles). */
    static IcbhiScores scores(int normalHits, int crackleHits) {
        return IcbhiScores.of(ConfusionMatrix.of(new long[][] {
                {normalHits, 100 - normalHits, 0, 0},
                {100 - crackleHits, crackleHits, 0, 0},
                {0, 0, 0, 0},
                {0, 0, 0, 0}}));
    }

    static EpochRecord epoch(int n, IcbhiScores validation, IcbhiScores test) {
        return new EpochRecord(n, 1.0 / n, 5e-5, 10 + n, 80.0, validation, test);
    }

    /**
     * Test Scores: 0.50 (Se 0), 0.40, 0.50, 0.52 (Se 4 %), 0.525 (Se exactly 5 %); validation Scores: 0.30, 0.60,
     * 0.55, 0.60 (a tie), 0.10.
     */
    static List<EpochRecord> run() {
        return List.of(
                epoch(1, scores(50, 10), scores(100, 0)),
                epoch(2, scores(70, 50), scores(50, 30)),
                epoch(3, scores(60, 50), scores(60, 40)),
                epoch(4, scores(70, 50), scores(100, 4)),
                epoch(5, scores(10, 10), scores(100, 5)));
    }

    @Test
    void paperProtocolTakesTheBestTestScoreWithSeAboveFivePercent() {
        RunReport.Selection paper = RunReport.of(run(), Map.of()).paperProtocol();
        assertEquals(3, paper.epoch(), "epochs 1, 4 and 5 score higher but have Se 0, 4 and exactly 5 %");
        assertEquals(0.5, paper.test().score(), 1e-12);
        assertEquals(0.55, paper.validation().score(), 1e-12);
    }

    @Test
    void honestProtocolTakesTheBestValidationScoreAndReportsThatEpochsTest() {
        RunReport.Selection honest = RunReport.of(run(), Map.of()).honestProtocol();
        assertEquals(2, honest.epoch(), "epoch 4 ties on validation; the earlier epoch wins");
        assertEquals(0.6, honest.validation().score(), 1e-12);
        assertEquals(0.4, honest.test().score(), 1e-12);
    }

    @Test
    void noEpochWithSeAboveFivePercentSelectsNothing() {
        List<EpochRecord> weak = List.of(epoch(1, scores(50, 50), scores(100, 0)),
                epoch(2, scores(60, 50), scores(99, 5)));
        RunReport report = RunReport.of(weak, Map.of());
        assertFalse(report.paperProtocol().selected());
        assertNull(report.paperProtocol().test());
        assertTrue(report.paperProtocol().note().contains("Se > 5.00%"), report.paperProtocol().note());
        assertEquals(2, report.honestProtocol().epoch(), "the honest protocol does not apply the Se rule");
        assertTrue(report.summary().contains("no epoch selected"), report.summary());
    }

    @Test
    void withoutValidationTheHonestProtocolSelectsNothing() {
        List<EpochRecord> noVal = new ArrayList<>();
        for (EpochRecord e : run()) {
            noVal.add(new EpochRecord(e.epoch(), e.trainLoss(), e.learningRate(), e.seconds(), e.samplesPerSecond(),
                    null, e.test()));
        }
        RunReport report = RunReport.of(noVal, Map.of());
        assertFalse(report.honestProtocol().selected());
        assertEquals("the run has no validation split", report.honestProtocol().note());
        assertEquals(3, report.paperProtocol().epoch());
    }

    @Test
    void nanScoresAreNeverSelectedAndEpochsWithoutTestAreIgnoredByThePaperProtocol() {
        IcbhiScores nan = IcbhiScores.of(new ConfusionMatrix());
        List<EpochRecord> epochs = List.of(epoch(1, nan, null), epoch(2, scores(50, 20), scores(50, 20)),
                epoch(3, nan, scores(60, 20)));
        RunReport report = RunReport.of(epochs, Map.of());
        assertEquals(2, report.honestProtocol().epoch());
        assertEquals(3, report.paperProtocol().epoch());
        assertFalse(RunReport.of(List.of(epoch(1, nan, null)), Map.of()).paperProtocol().selected());
    }

    @Test
    void metricsJsonHoldsBothProtocolsEpochsAndRunInfoAndReadsBack(@TempDir Path dir) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("command", "train --dataset icbhi --epochs 5");
        info.put("config", Map.of("batch", 8, "lr", "5e-5"));
        List<EpochRecord> epochs = new ArrayList<>(run());
        IcbhiScores nan = IcbhiScores.of(new ConfusionMatrix());
        epochs.add(epoch(6, nan, null));
        RunReport report = RunReport.of(epochs, info);
        Path file = dir.resolve("out/metrics.json");
        report.writeJson(file);

        String text = Files.readString(file);
        assertTrue(text.contains("\n  \"run\""), "pretty-printed");
        JsonNode root = new ObjectMapper().readTree(text);
        assertEquals("train --dataset icbhi --epochs 5", root.at("/run/command").asText());
        assertEquals(8, root.at("/run/config/batch").asInt());
        assertEquals(3, root.at("/paperProtocol/epoch").asInt());
        assertEquals("paper", root.at("/paperProtocol/protocol").asText());
        assertEquals(2, root.at("/honestProtocol/epoch").asInt());
        assertEquals(0.4, root.at("/honestProtocol/test/score").asDouble(), 1e-12);
        assertEquals(30, root.at("/honestProtocol/test/confusion/counts/1/1").asInt());
        assertEquals("crackle", root.at("/honestProtocol/test/confusion/classes/1").asText());
        assertEquals(6, root.at("/epochs").size());
        assertEquals("NaN", root.at("/epochs/5/validation/score").asText());
        assertTrue(root.at("/epochs/5/test").isNull());

        RunReport.Metrics back = RunReport.readJson(file);
        assertEquals(report.metrics(), back);
    }

    @Test
    void consoleSummaryHasARowPerEpochAndMarksTheSelectedEpochs() {
        String s = RunReport.of(run(), Map.of()).summary();
        String[] lines = s.split("\\R");
        assertEquals(1 + 5 + 2, lines.length, s);
        assertTrue(lines[3].endsWith(" P"), lines[3]);
        assertTrue(lines[2].endsWith(" H"), lines[2]);
        assertTrue(lines[6].contains("epoch 3") && lines[6].contains("Score 50.00"), lines[6]);
        assertTrue(lines[7].contains("epoch 2") && lines[7].contains("Score 40.00"), lines[7]);
    }
}
