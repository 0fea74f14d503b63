package io.stethostream.streams.app;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.dashboard.Dashboard;
import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.testing.TestModels;
import io.stethostream.streams.topology.MonitoringConfig;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's HTTP side on a real instance with users configured: what needs a credential, what bad requests and
 * bad records get, without a browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardHttpTest {

    @TempDir
    static Path dir;

    private MonitoringService service;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("charge-nurse:s3cret:with:colons".getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    void start() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "# ward users\ncharge-nurse:s3cret:with:colons\nengineer:other\n");
        AppConfig app = AppConfig.defaults(null, dir.resolve("state")).withHttpPort(0).withApplicationId("dash-http");
        service = MonitoringService.start(new MonitoringService.Options(null, null, dir.resolve("state"), 0,
                TestModels.modelFile(), 1, app, MonitoringConfig.defaults(),
                HttpAccess.withUsersFile(HttpAccess.LOOPBACK, users)));
        assertTrue(service.app().awaitRunning(Duration.ofSeconds(60)));
        base = "http://127.0.0.1:" + service.app().httpPort();
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private HttpResponse<String> get(String path, boolean auth) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (auth) {
            r.header("Authorization", AUTH);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", AUTH)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyPageStreamAndApiNeedsTheCredentialButTheProbes() throws Exception {
        for (String path : new String[] {"/", "/static/app.js", "/api/state", "/api/events", "/metrics", "/devices"}) {
            assertEquals(401, get(path, false).statusCode(), path + " without a credential");
        }
        assertEquals(200, get("/health", false).statusCode());
        HttpResponse<String> page = get("/", true);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Stethostream ward"));
        assertEquals(200, get("/static/app.js", true).statusCode());
        assertEquals(404, get("/static/../pom.xml", true).statusCode());
        assertEquals(404, get("/nothing-here", true).statusCode());
        HttpRequest wrong = HttpRequest.newBuilder(URI.create(base + "/api/state")).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("charge-nurse:guess".getBytes(StandardCharsets.UTF_8))).build();
        assertEquals(401, http.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void badAcknowledgementsGetAReasonAndWriteNothing() throws Exception {
        assertEquals(405, get("/api/alerts/ack", true).statusCode());
        HttpResponse<String> notJson = post("/api/alerts/ack", "alertId=1");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("not JSON"), notJson.body());
        HttpResponse<String> noId = post("/api/alerts/ack", "{\"user\":\"x\"}");
        assertEquals(400, noId.statusCode());
        assertTrue(noId.body().contains("alertId"), noId.body());
        HttpResponse<String> unknown = post("/api/alerts/ack", "{\"alertId\":\"bed-9|abnormal|2026-01-01T00:00:00Z\"}");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown alert bed-9|abnormal|"), unknown.body());
        HttpResponse<String> device = get("/api/devices/bed-9/spectrogram.png", true);
        assertEquals(404, device.statusCode());
        assertTrue(device.body().contains("unknown device bed-9"), device.body());
    }

    @Test
    void aMalformedRecordOnAnOutputTopicIsSkippedAndTheDashboardGoesOn() throws Exception {
        Dashboard d = service.app().dashboard();
        long skipped = d.feed().skipped();
        long start = System.currentTimeMillis() * 1000;
        WindowPrediction ok = new WindowPrediction("bed-7", Times.iso(start), Times.iso(start + 4_000_000), start,
                start + 4_000_000, true, "normal", Map.of("normal", 0.9, "wheeze", 0.1),
                new QualityReport(QualityReport.Verdict.OK, "", -20, 0, 0.1), new ModelRef("m", "v", "r"), Map.of());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(service.client(), new StringSerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.PREDICTIONS, "bed-7", "{not json".getBytes(StandardCharsets.UTF_8)));
            p.send(new ProducerRecord<>(Topics.ALERTS, "bed-7", "{\"device\":\"bed-7\"}".getBytes(StandardCharsets.UTF_8)));
            p.send(new ProducerRecord<>(Topics.MODELS, "status/x", "[]".getBytes(StandardCharsets.UTF_8)));
            p.send(new ProducerRecord<>(Topics.PREDICTIONS, "bed-7",
                    StreamTopics.PREDICTION.serializer().serialize(Topics.PREDICTIONS, ok)));
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (!d.ward().knows("bed-7") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(d.ward().knows("bed-7"), "the good record after the bad ones arrived");
        assertEquals(skipped + 3, d.feed().skipped(), "the three bad records were skipped");
        HttpResponse<String> state = get("/api/state", true);
        assertEquals(200, state.statusCode());
        assertTrue(state.body().contains("\"device\":\"bed-7\""));
    }

    @Test
    void aUsersFileThatIsMissingOrMalformedIsRefusedNamingTheProblem() throws IOException {
        Path missing = dir.resolve("absent");
        IOException e1 = assertThrows(IOException.class, () -> HttpAccess.withUsersFile("127.0.0.1", missing));
        assertTrue(e1.getMessage().contains(missing.toString()));
        Path bad = dir.resolve("bad-users");
        Files.writeString(bad, "# comment\nalice:pw\nbob\n");
        IOException e2 = assertThrows(IOException.class, () -> HttpAccess.withUsersFile("127.0.0.1", bad));
        assertTrue(e2.getMessage().contains("line 3"), e2.getMessage());
        Path empty = dir.resolve("empty-users");
        Files.writeString(empty, "# nobody\n");
        assertThrows(IOException.class, () -> HttpAccess.withUsersFile("127.0.0.1", empty));
        assertTrue(!HttpAccess.withUsersFile("127.0.0.1", dir.resolve("users")).toString().contains("s3cret"),
                "passwords never appear in logs");
    }
}
