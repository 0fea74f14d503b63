package io.stethostream.streams.dashboard;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.app.AppConfig;
import io.stethostream.streams.app.HttpAccess;
import io.stethostream.streams.app.MonitoringService;
import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.topology.MonitoringConfig;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dashboard's figures (scripts/bench-dashboard): N devices' predictions at a 2 s hop written straight to
 * {@code stethoscope.predictions} (the dashboard's input; the stream's own capacity is StreamCapacityBenchmark's
 * business), with alerts raised and cleared now and then. Three phases of equal length: no page open (the server's
 * base cost), one headless Chromium page (update latency from the record's window end, which is its send time, to the
 * frame that paints it; browser CPU from /proc; long tasks), then the server cost with the page open.
 *
 * <p>Usage: {@code DashboardBench [devices, default 100] [seconds per phase, default 60]}
 */
public final class DashboardBench {

    private static final String PROBE = """
            window.__lat = []; window.__long = [];
            new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(e.duration)))
                .observe({entryTypes: ['longtask']});
            const add = EventSource.prototype.addEventListener;
            EventSource.prototype.addEventListener = function (type, fn, o) {
              if (type !== 'delta') return add.call(this, type, fn, o);
              return add.call(this, type, e => {
                fn(e);
                const d = JSON.parse(e.data);
                requestAnimationFrame(() => { const now = Date.now();
                  for (const t of d.tiles) for (const p of t.history) window.__lat.push(now - p.t); });
              }, o);
            };
            """;

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("dashboard-bench");
        AppConfig app = AppConfig.defaults(null, dir.resolve("state")).withHttpPort(0).withApplicationId("dash-bench");
        try (MonitoringService service = MonitoringService.start(new MonitoringService.Options(null, null,
                dir.resolve("state"), 0, Path.of("models/stethostream-ast-tiny-d4-w4.onnx"), 1, app,
                MonitoringConfig.defaults(), HttpAccess.loopback()))) {
            service.app().awaitRunning(java.time.Duration.ofSeconds(60));
            Dashboard dash = service.app().dashboard();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = new Thread(() -> load(service, devices, running), "load");
            load.start();
            System.out.printf(Locale.ROOT, "== %d devices at a 2 s hop (%d predictions/s), %d s per phase; %s%n",
                    devices, devices / 2, seconds, machine());
            Thread.sleep(10_000); // warm-up: every device has tiles
            double base = serverCpu(seconds);
            System.out.printf(Locale.ROOT, "server, no page open: %.1f %% of one core (the load generator included)%n", base);

            ChromeOptions o = new ChromeOptions();
            o.setBinary("/usr/bin/chromium");
            o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--window-size=1600,1200");
            ChromeDriver b = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build(), o);
            try {
                b.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
                b.get("http://127.0.0.1:" + service.app().httpPort() + "/");
                Thread.sleep(5_000);
                ((JavascriptExecutor) b).executeScript("window.__lat = []; window.__long = [];");
                long bytes0 = dash.hub().bytesSent();
                long browser0 = browserTicks();
                Map<String, Long> threads0 = threadCpu();
                double withPage = serverCpu(seconds);
                Map<String, Long> threads1 = threadCpu();
                double browser = (browserTicks() - browser0) / 100.0 / seconds * 100;
                long bytes = dash.hub().bytesSent() - bytes0;
                @SuppressWarnings("unchecked")
                List<Number> lat = (List<Number>) ((JavascriptExecutor) b).executeScript("return window.__lat");
                @SuppressWarnings("unchecked")
                List<Number> longTasks = (List<Number>) ((JavascriptExecutor) b).executeScript("return window.__long");
                long tiles = (Long) ((JavascriptExecutor) b).executeScript("return document.querySelectorAll('.tile').length");
                double[] l = lat.stream().mapToDouble(Number::doubleValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "page: %d tiles; %d updates; latency record -> painted p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                        tiles, l.length, pct(l, 50), pct(l, 95), l.length == 0 ? Double.NaN : l[l.length - 1]);
                System.out.printf(Locale.ROOT, "browser (all chromium processes): %.1f %% of one core; long tasks (> 50 ms): %d, longest %.0f ms%n",
                        browser, longTasks.size(), longTasks.stream().mapToDouble(Number::doubleValue).max().orElse(0));
                System.out.printf(Locale.ROOT, "server with one page: %.1f %% of one core (process; %.1f without: the "
                        + "difference is within the noise); %.1f kB/s of events per page%n", withPage, base,
                        bytes / 1024.0 / seconds);
                for (String k : threads1.keySet()) {
                    System.out.printf(Locale.ROOT, "server threads %s: %.2f %% of one core%n", k,
                            (threads1.get(k) - threads0.getOrDefault(k, 0L)) / 1e7 / seconds);
                }
            } finally {
                b.quit();
            }
            running.set(false);
            load.join();
        }
    }

    /** Predictions for every device every 2 s, spread evenly; an abnormal alert on a tenth of them now and then. */
    private static void load(MonitoringService service, int devices, AtomicBoolean running) {
        Map<String, Object> p = new LinkedHashMap<>();
        service.client().forEach((k, v) -> p.put((String) k, v));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Random rnd = new Random(1);
        QualityReport ok = new QualityReport(QualityReport.Verdict.OK, "", -25, 0, 0.05);
        ModelRef model = new ModelRef("stethostream-ast-tiny-d4-w4", "bench", "bench");
        boolean[] alerting = new boolean[devices];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            for (long round = 0; running.get(); round++) {
                for (int d = 0; d < devices && running.get(); d++) {
                    String device = String.format(Locale.ROOT, "bed-%03d", d);
                    long end = System.currentTimeMillis() * 1000;
                    double wheeze = rnd.nextDouble();
                    Map<String, Double> probs = new LinkedHashMap<>();
                    probs.put("normal", (1 - wheeze) * 0.8);
                    probs.put("crackle", (1 - wheeze) * 0.1);
                    probs.put("wheeze", wheeze);
                    probs.put("both", (1 - wheeze) * 0.1);
                    String label = wheeze > 0.45 ? "wheeze" : "normal";
                    WindowPrediction w = new WindowPrediction(device, Times.iso(end - 4_000_000), Times.iso(end),
                            end - 4_000_000, end, true, label, probs, ok, model,
                            Map.of("patient", "P-" + d, "location", "ward " + (d / 20) + " bed " + (d % 20)));
                    producer.send(new ProducerRecord<>(Topics.PREDICTIONS, device,
                            StreamTopics.PREDICTION.serializer().serialize(Topics.PREDICTIONS, w)));
                    if (round % 15 == 0 && d % 10 == round / 15 % 10) { // about every 30 s, a tenth of the ward
                        alerting[d] = !alerting[d];
                        String since = Times.iso(end - 6_000_000L);
                        producer.send(new ProducerRecord<>(Topics.ALERTS, device, StreamTopics.ALERT.serializer()
                                .serialize(Topics.ALERTS, new AlertEvent(device, AlertEvent.Kind.WHEEZES,
                                        alerting[d] ? AlertEvent.State.RAISED : AlertEvent.State.CLEARED, null, since,
                                        Times.iso(end), "bench", List.of(), model))));
                    }
                    next += 2_000_000_000L / devices;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * CPU time (ns) of the dashboard's threads by role: the feed (independent of pages), the hub (one serialisation
     * per tick for all pages) and the HTTP threads (each open page's event stream, plus page and API requests).
     */
    private static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            String n = t.getThreadName();
            String role = n.startsWith("stethostream-dashboard-feed") ? "feed (all pages)"
                    : n.startsWith("stethostream-dashboard-hub") ? "hub (all pages)"
                    : n.startsWith("stethostream-http") ? "http (per page)" : null;
            if (role != null) {
                out.merge(role, Math.max(0, mx.getThreadCpuTime(t.getThreadId())), Long::sum);
            }
        }
        return out;
    }

    /** CPU of this JVM over the next {@code seconds}, in % of one core. */
    private static double serverCpu(int seconds) throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return (os.getProcessCpuTime() - c0) * 100.0 / (System.nanoTime() - t0);
    }

    /** utime + stime (clock ticks) of every chromium process. */
    private static long browserTicks() throws IOException {
        long sum = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path pid : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(pid.resolve("stat"));
                    if (!stat.contains("(chromium") && !stat.contains("(chrome")) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return sum;
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.version");
    }
}
