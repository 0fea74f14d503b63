package io.stethostream.streams.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.stethostream.streams.metrics.StreamMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The instance's HTTP endpoint: {@code /health} (200 while alive), {@code /ready} (200 while processing),
 * {@code /metrics} (Prometheus text format) and {@code /devices} (JSON status of the devices this instance owns).
 */
final class HttpStatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpStatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    HttpStatusServer(int port, MonitoringApp app, StreamMetrics metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stethostream-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", ex -> send(ex, app.healthy() ? 200 : 503, "text/plain",
                (app.healthy() ? "ok " : "unhealthy ") + app.state() + "\n"));
        server.createContext("/ready", ex -> send(ex, app.ready() ? 200 : 503, "text/plain",
                (app.ready() ? "ready " : "not ready ") + app.state() + "\n"));
        server.createContext("/metrics", ex -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter w = PrometheusTextFormatWriter.create();
            w.write(out, metrics.registry().scrape());
            send(ex, 200, w.getContentType(), out.toString(StandardCharsets.UTF_8));
        });
        server.createContext("/devices", ex -> {
            try {
                send(ex, 200, "application/json", JSON.writeValueAsString(Map.of("devices", app.devices())));
            } catch (RuntimeException e) {
                // Stores migrate during rebalances; the caller may retry.
                send(ex, 503, "text/plain", "device stores not queryable now: " + e.getMessage() + "\n");
            }
        });
        server.start();
        LOG.info("HTTP endpoint on port {}", port());
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
