package io.stethostream.streams.dashboard;

import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.Encoding;
import io.stethostream.protocol.Topics;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.streams.alerts.AlertThresholds;
import io.stethostream.streams.app.AppConfig;
import io.stethostream.streams.app.HttpAccess;
import io.stethostream.streams.app.MonitoringService;
import io.stethostream.streams.models.ModelPublisher;
import io.stethostream.streams.models.OnnxEdits;
import io.stethostream.streams.testing.TestAudio;
import io.stethostream.streams.topology.MonitoringConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ward dashboard in a real headless Chromium (Debian's chromium and chromium-driver; {@code scripts/test} installs
 * them): the embedded broker, the monitoring app and three synthetic agents streaming in real time, one with poor
 * contact. Checks what a nurse would: tiles appear, the poor-contact alert appears and can be acknowledged, the
 * acknowledgement shows in a second browser, a stopped agent's tile turns to signal lost, a redeploy shows in the
 * model panel, the device view shows the features, and the page logs no JavaScript error. Screenshots go to
 * {@code target/dashboard-screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("stethostream.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("stethostream.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots");
    /** The model the project ships, so that the screenshots show what it hears (the stream tests use a fixture). */
    private static final Path MODEL = Path.of(System.getProperty("stethostream.shipped-model",
            "../models/stethostream-ast-tiny-d4-w4.onnx"));
    private static final int RATE = 16_000;
    private static final double CHUNK_SECONDS = 0.5;

    @TempDir
    static Path dir;

    private MonitoringService service;
    private KafkaProducer<String, byte[]> producer;
    private final List<Agent> agents = new ArrayList<>();
    private final List<WebDriver> browsers = new ArrayList<>();
    private String url;
    private int brokerPort;
    private int httpPort;

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The embedded broker and the app on fixed ports, so that a restart comes back where the pages look. */
    private MonitoringService startService() throws Exception {
        MonitoringConfig monitoring = MonitoringConfig.defaults()
                .withAlerts(new AlertThresholds(3, 5, 3, 2, 2, 6_000, 500));
        AppConfig app = AppConfig.defaults(null, dir.resolve("state")).withHttpPort(httpPort).withPartitions(2)
                .withApplicationId("dashboard-test");
        MonitoringService s = MonitoringService.start(new MonitoringService.Options(null, null, dir.resolve("state"),
                brokerPort, MODEL, 1, app, monitoring, HttpAccess.loopback()));
        assertTrue(s.app().awaitRunning(Duration.ofSeconds(60)), "the app reaches RUNNING");
        return s;
    }

    /** A stethoscope: sends the next half second of its sound every half second, captured now. */
    private final class Agent extends Thread {
        final String device;
        final float[] sound;
        final Map<String, String> attributes;
        final AtomicBoolean running = new AtomicBoolean(true);

        Agent(String device, SoundKind kind, Map<String, String> attributes, long seed) {
            super("agent-" + device);
            setDaemon(true);
            this.device = device;
            this.sound = TestAudio.synth(kind, 30, RATE, seed);
            this.attributes = attributes;
        }

        @Override
        public void run() {
            int n = (int) (CHUNK_SECONDS * RATE);
            long seq = 0;
            long next = System.nanoTime();
            while (running.get()) {
                int from = (int) ((seq * n) % (sound.length - n));
                AudioChunk c = new AudioChunk(device, seq, System.currentTimeMillis() * 1000, RATE, Encoding.PCM_S16LE,
                        Arrays.copyOfRange(sound, from, from + n), attributes);
                producer.send(new ProducerRecord<>(Topics.AUDIO, device, TestAudio.encode(c)));
                seq++;
                next += (long) (CHUNK_SECONDS * 1e9);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the dashboard test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "); scripts/test installs them: apt-get install chromium chromium-driver");
        }
        Files.createDirectories(SCREENSHOTS);
        // Quick alerts so the test sees them: poor signal after 2 windows, signal lost after 6 s of silence.
        brokerPort = freePort();
        httpPort = freePort();
        service = startService();
        url = "http://127.0.0.1:" + service.app().httpPort() + "/";
        Properties p = service.client();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        agents.add(new Agent("bed-1", SoundKind.NORMAL, Map.of("patient", "P-101", "location", "ward 3 bed 1"), 1));
        agents.add(new Agent("bed-2", SoundKind.WHEEZE, Map.of("patient", "P-102", "location", "ward 3 bed 2"), 2));
        agents.add(new Agent("bed-3", SoundKind.POOR, Map.of("patient", "P-103", "location", "ward 3 bed 3"), 3));
        agents.forEach(Thread::start);
    }

    @AfterAll
    void stop() {
        browsers.forEach(WebDriver::quit);
        agents.forEach(a -> a.running.set(false));
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (service != null) {
            service.close();
        }
    }

    private WebDriver browser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // As root, in a machine without a network: no sandbox, no background connections.
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver b = new ChromeDriver(driver, o);
        b.manage().window().setSize(new Dimension(1400, 1000));
        browsers.add(b);
        b.get(url);
        return b;
    }

    private static void await(String what, Duration max, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e; // an element re-rendered under us: try again
            }
            Thread.sleep(250);
        }
        fail("timed out after " + max.toSeconds() + " s waiting for " + what + (last == null ? "" : " (" + last + ")"));
    }

    private static String tileState(WebDriver b, String device) {
        List<WebElement> t = b.findElements(By.cssSelector(".tile[data-device='" + device + "']"));
        return t.isEmpty() ? null : t.get(0).getAttribute("data-state");
    }

    private static void screenshot(WebDriver b, String name) throws IOException {
        File f = ((TakesScreenshot) b).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SCREENSHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNoJavaScriptErrors(WebDriver b) {
        Object errors = ((JavascriptExecutor) b).executeScript("return window.__dashboardErrors");
        assertEquals(List.of(), errors, "JavaScript errors caught by the page");
        List<String> severe = new ArrayList<>();
        for (LogEntry e : b.manage().logs().get(LogType.BROWSER)) {
            // A failed image or request is the network's business; a script error is the page's.
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("Failed to load resource")) {
                severe.add(e.getMessage());
            }
        }
        assertEquals(List.of(), severe, "errors in the browser console");
    }

    @Test
    void aNurseSeesTheWardAcknowledgesAnAlertAndWatchesARedeploy() throws Exception {
        WebDriver nurse = browser();

        // Tiles for the three devices, with the attributes their agents send.
        await("three tiles with predictions", Duration.ofSeconds(60), () ->
                nurse.findElements(By.cssSelector(".tile")).size() == 3
                        && nurse.findElement(By.cssSelector(".tile[data-device='bed-1'] .label")).getText().contains("%"));
        assertTrue(nurse.findElement(By.cssSelector(".tile[data-device='bed-1'] .attrs")).getText().contains("P-101"));
        assertTrue(nurse.findElement(By.cssSelector("#models")).getText().contains(
                service.slot().metadata().modelVersion()), "the model panel names the served model");

        // The poor-contact device's alert: on its tile (sorted first) and in the feed, with a button.
        String poorAlert = "#feed li.raised[data-alert-id^='bed-3|poor_signal|']";
        await("the poor-contact alert in the feed", Duration.ofSeconds(60), () ->
                !nurse.findElements(By.cssSelector(poorAlert + " button.ack-button")).isEmpty());
        await("the alerting tile sorted first", Duration.ofSeconds(5), () ->
                "bed-3".equals(nurse.findElements(By.cssSelector(".tile")).get(0).getAttribute("data-device")));
        assertEquals("poor", tileState(nurse, "bed-3"));
        screenshot(nurse, "ward.png");

        WebElement name = nurse.findElement(By.id("user"));
        name.clear();
        name.sendKeys("nurse-a");
        WebElement raised = nurse.findElement(By.cssSelector(poorAlert));
        String alertId = raised.getAttribute("data-alert-id");
        raised.findElement(By.cssSelector("button.ack-button")).click();
        // Every change of that alert (raised, cleared) shows who acknowledged it. The synthetic poor contact comes and
        // goes, so a later episode is a new alert with a new id and its own button.
        String acked = "#feed li[data-alert-id='" + alertId + "'][data-acked-by='nurse-a']";
        await("the acknowledgement read back from Kafka", Duration.ofSeconds(20), () ->
                !nurse.findElements(By.cssSelector(acked)).isEmpty());

        // A second dashboard, opened late, catches up on the alert and its acknowledgement.
        WebDriver second = browser();
        await("the acknowledgement in the second browser", Duration.ofSeconds(20), () ->
                !second.findElements(By.cssSelector(acked)).isEmpty());
        assertTrue(second.findElements(By.cssSelector(acked + " button")).isEmpty(), "no button on an acknowledged alert");

        // The device view: the features the model saw, as an image.
        nurse.findElement(By.cssSelector(".tile[data-device='bed-2']")).click();
        await("the spectrogram image", Duration.ofSeconds(20), () -> (Boolean) ((JavascriptExecutor) nurse)
                .executeScript("const i = document.getElementById('dv-spectrogram'); return i.complete && i.naturalWidth > 0"));
        screenshot(nurse, "device.png");
        nurse.findElement(By.id("dv-close")).click();

        // An agent that stops: its tile turns to signal lost.
        agents.get(0).running.set(false);
        await("bed-1 turning to signal lost", Duration.ofSeconds(30), () -> "lost".equals(tileState(nurse, "bed-1")));
        assertTrue(nurse.findElement(By.cssSelector(".tile[data-device='bed-1'] .state")).getText()
                .startsWith("signal lost since"));

        // A redeploy: a new release, accepted by the instance, shows in the model panel of both pages.
        Path v2 = dir.resolve("v2.onnx");
        Files.write(v2, OnnxEdits.withMetadata(Files.readAllBytes(MODEL), ModelMetadata.MODEL_VERSION, "dashboard-v2"));
        new ModelPublisher(service.client()).deploy(v2);
        for (WebDriver b : List.of(nurse, second)) {
            await("the redeploy in the model panel", Duration.ofSeconds(60), () ->
                    !b.findElements(By.cssSelector("#releases tr[data-version='dashboard-v2'] [data-outcome='accepted']"))
                            .isEmpty() && b.findElement(By.id("instances")).getText().contains("dashboard-v2"));
        }
        await("a prediction by the new model on a tile", Duration.ofSeconds(30), () ->
                nurse.findElement(By.cssSelector(".tile[data-device='bed-2'] .model")).getText().contains("dashboard-v2"));
        screenshot(nurse, "ward-after-redeploy.png");

        assertNoJavaScriptErrors(nurse);
        assertNoJavaScriptErrors(second);

        // A restart of the server: the page says it is disconnected, reconnects by itself, and catches up from the
        // topics (tiles, and the acknowledgement, which lives on its own topic).
        agents.forEach(a -> a.running.set(false));
        producer.close(Duration.ofSeconds(5));
        producer = null;
        service.close();
        service = null;
        await("the page saying it is disconnected", Duration.ofSeconds(20), () ->
                nurse.findElement(By.id("conn")).getText().startsWith("disconnected since"));
        screenshot(nurse, "disconnected.png");
        service = startService();
        await("the page reconnected by itself", Duration.ofSeconds(60), () ->
                nurse.findElement(By.id("conn")).getText().startsWith("live (reconnected"));
        await("tiles and the acknowledgement after the restart", Duration.ofSeconds(30), () ->
                nurse.findElements(By.cssSelector(".tile")).size() == 3
                        && !nurse.findElements(By.cssSelector(acked)).isEmpty());
        screenshot(nurse, "after-restart.png");
        assertNoJavaScriptErrors(nurse);
    }
}
