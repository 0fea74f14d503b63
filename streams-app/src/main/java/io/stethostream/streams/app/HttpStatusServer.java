package io.stethostream.streams.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.stethostream.streams.dashboard.AlertAck;
import io.stethostream.streams.dashboard.Dashboard;
import io.stethostream.streams.metrics.StreamMetrics;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instance's HTTP endpoint: {@code /health} (200 while alive), {@code /ready} (200 while processing),
 * {@code /metrics} (Prometheus text format), {@code /devices} (JSON status of the devices this instance owns) and,
 * when a {@link Dashboard} is given, the ward dashboard at {@code /} with its API under {@code /api/}. Access (bind
 * address, users) is {@link HttpAccess}'s.
 */
final class HttpStatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpStatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATIC = "/io/stethostream/streams/dashboard/static/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    private static final int MAX_BODY = 4096;

    private final HttpServer server;
    private final ExecutorService executor;
    private final MonitoringApp app;
    private final Dashboard dashboard;
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    HttpStatusServer(int port, HttpAccess access, MonitoringApp app, StreamMetrics metrics, Dashboard dashboard)
            throws IOException {
        this.app = app;
        this.dashboard = dashboard;
        server = HttpServer.create(new InetSocketAddress(access.bindAddress(), port), 0);
        // Event streams hold a thread each for as long as a page is open: a cached pool, bounded by the hub's limit.
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stethostream-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Authenticator auth = access.authenticator();
        // Probes stay open so that an orchestrator needs no credential; everything else is behind the users.
        server.createContext("/health", ex -> send(ex, app.healthy() ? 200 : 503, "text/plain",
                (app.healthy() ? "ok " : "unhealthy ") + app.state() + "\n"));
        server.createContext("/ready", ex -> send(ex, app.ready() ? 200 : 503, "text/plain",
                (app.ready() ? "ready " : "not ready ") + app.readiness() + "\n"));
        guarded("/metrics", auth, ex -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter w = PrometheusTextFormatWriter.create();
            w.write(out, metrics.registry().scrape());
            send(ex, 200, w.getContentType(), out.toString(StandardCharsets.UTF_8));
        });
        guarded("/devices", auth, ex -> {
            // While partitions move, the last list read, marked stale, rather than nothing (DeviceListing).
            DeviceListing.Snapshot d = app.deviceListing();
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("state", d.state());
            body.put("stale", d.stale());
            body.put("as_of", d.asOf() == null ? null : d.asOf().toString());
            body.put("devices", d.devices());
            send(ex, 200, "application/json", JSON.writeValueAsString(body));
        });
        if (dashboard != null) {
            guarded("/", auth, this::page);
            guarded("/api/state", auth, ex -> send(ex, 200, "application/json",
                    dashboard.hub().snapshotJson()));
            guarded("/api/events", auth, this::events);
            guarded("/api/alerts/ack", auth, this::acknowledge);
            guarded("/api/devices/", auth, this::spectrogram);
        }
        server.start();
        LOG.info("HTTP endpoint on {}:{}{}", access.bindAddress(), port(),
                access.authenticated() ? " (basic authentication)" : "");
    }

    private void guarded(String path, Authenticator auth, HttpHandler handler) {
        HttpContext c = server.createContext(path, ex -> {
            try (ex) {
                handler.handle(ex);
            } catch (IOException e) {
                LOG.debug("HTTP {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                try {
                    send(ex, 500, "text/plain", "internal error: " + e + "\n");
                } catch (IOException | RuntimeException ignored) {
                    // the response may have begun
                }
            }
        });
        if (auth != null) {
            c.setAuthenticator(auth);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code /} is the page; {@code /static/NAME} its files from the jar; anything else 404. */
    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String name = path.equals("/") ? "index.html"
                : path.startsWith("/static/") ? path.substring("/static/".length()) : null;
        if (name == null || !name.matches("[a-z0-9-]+\\.(html|js|css|svg)")) {
            send(ex, 404, "text/plain", "no such page: " + path + "\n");
            return;
        }
        try (InputStream in = HttpStatusServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null) {
                send(ex, 404, "text/plain", "no such file: " + name + "\n");
                return;
            }
            byte[] b = in.readAllBytes();
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), b);
        }
    }

    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        if (dashboard.hub().clients() >= 64) {
            send(ex, 503, "text/plain", "too many open dashboards\n");
            return;
        }
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            dashboard.hub().serve(out);
        }
    }

    private void acknowledge(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            send(ex, 405, "text/plain", "POST an acknowledgement as JSON {\"alertId\": ..., \"user\": ...}\n");
            return;
        }
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            send(ex, 413, "text/plain", "acknowledgement larger than " + MAX_BODY + " bytes\n");
            return;
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            send(ex, 400, "text/plain", "body is not JSON: " + e.getMessage() + "\n");
            return;
        }
        if (req == null || !req.isObject()) {
            send(ex, 400, "text/plain", "body must be a JSON object\n");
            return;
        }
        boolean authenticated = ex.getPrincipal() != null;
        // With users configured the name is the authenticated one, whatever the page sends.
        String user = authenticated ? ex.getPrincipal().getUsername() : req.path("user").asText(null);
        try {
            AlertAck ack = dashboard.acknowledge(req.path("alertId").asText(null), user, authenticated);
            send(ex, 200, "application/json", JSON.writeValueAsString(ack));
        } catch (Dashboard.AckException e) {
            send(ex, e.status(), "text/plain", e.getMessage() + "\n");
        }
    }

    /**
     * {@code /api/devices/ID/spectrogram.png}: the features of the device's latest windows. A device another instance
     * handles is fetched from that instance (Kafka Streams knows which, from {@code application.server}).
     */
    private void spectrogram(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String rest = path.substring("/api/devices/".length());
        if (!rest.endsWith("/spectrogram.png") || rest.length() == "/spectrogram.png".length()) {
            send(ex, 404, "text/plain", "no such resource: " + path + "\n");
            return;
        }
        String device = URLDecoder.decode(rest.substring(0, rest.length() - "/spectrogram.png".length()),
                StandardCharsets.UTF_8);
        Optional<byte[]> png = dashboard.spectrograms().png(device);
        if (png.isPresent()) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            send(ex, 200, "image/png", png.get());
            return;
        }
        boolean local = "local=1".equals(ex.getRequestURI().getRawQuery());
        Optional<HostInfo> owner = local ? Optional.empty() : app.ownerOf(device);
        if (owner.isPresent()) {
            proxy(ex, owner.get(), path);
            return;
        }
        send(ex, 404, "text/plain", dashboard.ward().knows(device)
                ? "no inferred window of " + device + " on this instance yet\n" : "unknown device " + device + "\n");
    }

    private void proxy(HttpExchange ex, HostInfo owner, String path) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + path
                + "?local=1")).timeout(Duration.ofSeconds(5));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            r.header("Authorization", auth); // the same users on every instance of the ward
        }
        try {
            HttpResponse<byte[]> resp = peers.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            send(ex, resp.statusCode(), resp.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                    resp.body());
        } catch (IOException e) {
            send(ex, 502, "text/plain", "instance " + owner.host() + ":" + owner.port() + " handling this device did not "
                    + "answer: " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 503, "text/plain", "interrupted\n");
        }
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] b) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
