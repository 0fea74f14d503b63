package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate-alerts} with the shipped model on the real SPRSound inter-patient test set: every recording replayed,
 * and the alerts it shows are those of a model that hears crackles and wheezes (docs/results.md, "The product's own
 * test").
 */
@Tag("shared-data")
class EvaluateAlertsSharedDataTest {

    @Test
    void theShippedModelsAlertsOnTheInterPatientTestSet() throws IOException {
        Path root = Path.of(System.getProperty("stethostream.shared.data"), "sprsound");
        CliResult r = CliResult.run("evaluate-alerts", "--model", Defaults.shippedModel().toString(), "--root",
                root.toString(), "--threads", "2", "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(355, j.get("recordings").asInt());
        assertEquals(347, j.get("scored").asInt());
        assertEquals(8, j.get("poorQualityRecordings").asInt());
        assertEquals(0, j.get("unreadable").asInt());
        assertEquals(1554, j.get("windows").asInt(), "4 s windows every 2 s over every recording");
        JsonNode recall = j.get("scores").get("recall");
        // Measured 41.7 % crackle, 13.8 % wheeze and 84.2 % normal (2026-12-06, version
        // 2026.12.06-spr-ce-pt-dn-clip-s3); a model answering one class, or one deaf to crackles like the version
        // before, fails one of these.
        assertTrue(recall.get("crackle").asDouble() > 0.3, r.out());
        assertTrue(recall.get("wheeze").asDouble() > 0.1, r.out());
        assertTrue(recall.get("normal").asDouble() > 0.8, r.out());
    }
}
