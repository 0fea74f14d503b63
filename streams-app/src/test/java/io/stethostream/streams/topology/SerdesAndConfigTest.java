package io.stethostream.streams.topology;

import io.stethostream.streams.alerts.AlertState;
import io.stethostream.streams.alerts.AlertThresholds;
import io.stethostream.streams.alerts.AlertTracker;
import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.DeviceStatus;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.WindowPrediction;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerdesAndConfigTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    private static WindowPrediction prediction(String label) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("normal", 0.1);
        p.put("crackle", 0.7);
        p.put("wheeze", 0.1);
        p.put("both", 0.1);
        return new WindowPrediction("bed-1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:08Z", 1_767_225_600_000_000L,
                1_767_225_608_000_000L, true, label, p,
                new QualityReport(QualityReport.Verdict.OK, "", -23.5, 0.0, 0.08),
                new ModelRef("stethostream-ast-tiny", "1", "abc"), Map.of("patient", "p-17"));
    }

    @Test
    void predictionJsonRoundTripsAndReadsAsDocumented() {
        WindowPrediction p = prediction("crackle");
        assertEquals(p, roundTrip(StreamTopics.PREDICTION, p));
        String json = new String(StreamTopics.PREDICTION.serializer().serialize("t", p), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"probabilities\":{\"normal\":0.1,\"crackle\":0.7,\"wheeze\":0.1,\"both\":0.1}"), json);
        assertTrue(json.contains("\"verdict\":\"OK\""), json);
    }

    @Test
    void alertEventAndStateRoundTrip() {
        AlertTracker t = new AlertTracker(new AlertThresholds(1, 1, 1, 1, 1, 1, 1));
        AlertState s = new AlertState();
        List<AlertEvent> e = t.onPrediction(s, prediction("crackle"));
        assertEquals(e.get(0), roundTrip(StreamTopics.ALERT, e.get(0)));
        String json = new String(StreamTopics.ALERT.serializer().serialize("t", e.get(0)), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"kind\":\"crackles\"") && json.contains("\"state\":\"raised\""), json);
        AlertState back = roundTrip(StreamTopics.ALERT_STATE, s);
        assertEquals(AlertEvent.Kind.CRACKLES, back.abnormal());
        // The restored state continues the hysteresis: one normal window clears (m = 1).
        assertEquals(AlertEvent.State.CLEARED, t.onPrediction(back, prediction("normal")).get(0).state());
    }

    @Test
    void deviceStatusRoundTrips() {
        DeviceStatus d = DeviceStatus.initial("bed-1").withAudio(5, 6, 16000, 7, 1, 2, 3).withWindow(prediction("both"));
        assertEquals(d, roundTrip(StreamTopics.STATUS, d));
    }

    @Test
    void configReadsKeysAndRefusesBadValuesNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("hop-seconds", "1");
        p.setProperty("alerts.raise-abnormal", "2");
        p.setProperty("alerts.signal-lost-seconds", "4.5");
        p.setProperty("batch.max-wait-ms", "50");
        MonitoringConfig c = MonitoringConfig.fromProperties(p);
        assertEquals(1.0, c.hopSeconds());
        assertEquals(2, c.alerts().raiseAbnormal());
        assertEquals(4500, c.alerts().signalLostMillis());
        assertEquals(50, c.batchMaxWaitMs());
        assertEquals(MonitoringConfig.defaults().quality(), c.quality());
        assertTrue(c.audioStateInMemory());
        p.setProperty("state.audio-in-memory", "false");
        assertFalse(MonitoringConfig.fromProperties(p).audioStateInMemory());
        p.setProperty("state.audio-in-memory", "sometimes");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MonitoringConfig.fromProperties(p))
                .getMessage().contains("state.audio-in-memory"));
        p.remove("state.audio-in-memory");

        p.setProperty("alerts.raise-abnormal", "9");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MonitoringConfig.fromProperties(p))
                .getMessage().contains("raise-abnormal"));
        Properties q = new Properties();
        q.setProperty("reorder.max-chunks", "many");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MonitoringConfig.fromProperties(q))
                .getMessage().contains("reorder.max-chunks"));
        assertThrows(IllegalArgumentException.class, () -> MonitoringConfig.defaults().withBatching(0, 0));
    }
}
