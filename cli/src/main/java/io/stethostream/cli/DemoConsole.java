package io.stethostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stethostream.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's live view: follows predictions and alerts from the moment the demo starts, prints every alert change at
 * once and a per-device table every few seconds, and keeps what the summary needs (windows, alerts, latency, model
 * switches and whether windows stayed contiguous through them).
 */
final class DemoConsole implements AutoCloseable {

    /** What the console saw of one device. */
    static final class DeviceView {
        int windows;
        int scored;
        String label = "-";
        double probability;
        String quality = "-";
        String version = "-";
        long lastStartMicros = -1;
        long lastEndMicros = -1;
        int gaps;
        final List<String> switches = new ArrayList<>();
        final Map<String, Integer> alerts = new TreeMap<>();
        final List<Double> latencies = new ArrayList<>();
        final List<String> active = new ArrayList<>();
    }

    private final PrintWriter out;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, DeviceView> devices = new TreeMap<>();
    private final long hopMicros;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private int alertEvents;

    /**
     * @param hopMicros the windows' hop, to tell a contiguous window sequence from a gap
     */
    DemoConsole(Properties client, PrintWriter out, long hopMicros) {
        this.out = out;
        this.hopMicros = hopMicros;
        consumer = TopicTail.consumer(client);
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(Topics.PREDICTIONS, Topics.ALERTS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts); // only this demo's records
        parts.forEach(consumer::position);
        thread = new Thread(this::follow, "demo-console");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void follow() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    try {
                        JsonNode j = TrainCommand.JSON.readTree(r.value());
                        if (r.topic().equals(Topics.ALERTS)) {
                            alert(r, j);
                        } else {
                            prediction(j, System.currentTimeMillis() * 1000);
                        }
                    } catch (IOException e) {
                        synchronized (this) {
                            out.println("unreadable record on " + r.topic() + " at offset " + r.offset());
                            out.flush();
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private synchronized void prediction(JsonNode p, long nowMicros) {
        DeviceView d = devices.computeIfAbsent(p.path("device").asText("?"), k -> new DeviceView());
        long start = p.path("windowStartMicros").asLong();
        long end = p.path("windowEndMicros").asLong();
        if (d.lastStartMicros >= 0 && start != d.lastStartMicros + hopMicros) {
            d.gaps++;
        }
        d.windows++;
        d.quality = p.path("quality").path("verdict").asText("-");
        d.latencies.add((nowMicros - end) / 1e6);
        if (p.path("inferred").asBoolean(false)) {
            d.scored++;
            d.label = p.path("label").asText("-");
            d.probability = p.path("probabilities").path(d.label).asDouble();
            String version = p.path("model").path("version").asText("-");
            if (!d.version.equals("-") && !d.version.equals(version)) {
                String line = String.format(Locale.ROOT, "%s  MODEL    %-24s %s -> %s (window %s follows %s: %s)",
                        PredictionsCommand.time(p.path("windowEnd")), shortId(p.path("device").asText()), d.version,
                        version, PredictionsCommand.time(p.path("windowStart")), micros(d.lastStartMicros),
                        start == d.lastStartMicros + hopMicros ? "no gap" : "GAP");
                d.switches.add(line);
                out.println(line);
                out.flush();
            }
            d.version = version;
        }
        d.lastStartMicros = start;
        d.lastEndMicros = end;
    }

    private synchronized void alert(ConsumerRecord<String, String> r, JsonNode a) {
        DeviceView d = devices.computeIfAbsent(a.path("device").asText(r.key()), k -> new DeviceView());
        String kind = a.path("kind").asText("?");
        String state = a.path("state").asText("?");
        d.alerts.merge(kind + " " + state, 1, Integer::sum);
        if (state.equals("cleared")) {
            d.active.remove(kind);
        } else {
            if (a.path("previousKind").isTextual()) {
                d.active.remove(a.path("previousKind").asText());
            }
            if (!d.active.contains(kind)) {
                d.active.add(kind);
            }
        }
        alertEvents++;
        out.println("ALERT  " + AlertsCommand.format(r));
        out.flush();
    }

    /** The per-device table. */
    synchronized void printTable(String title) {
        out.println();
        out.println(title);
        out.printf(Locale.ROOT, "  %-24s %7s  %-9s %5s  %-8s %-20s %s%n", "device", "windows", "latest", "p",
                "signal", "active alerts", "model");
        for (Map.Entry<String, DeviceView> e : devices.entrySet()) {
            DeviceView d = e.getValue();
            out.printf(Locale.ROOT, "  %-24s %7d  %-9s %5s  %-8s %-20s %s%n", shortId(e.getKey()), d.windows, d.label,
                    d.scored == 0 ? "-" : String.format(Locale.ROOT, "%.2f", d.probability), d.quality,
                    d.active.isEmpty() ? "-" : String.join(",", d.active), d.version);
        }
        out.println();
        out.flush();
    }

    /** The closing summary; returns the number of devices whose windows were not contiguous. */
    synchronized int printSummary(double seconds) {
        out.println();
        out.printf(Locale.ROOT, "summary after %.0f s:%n", seconds);
        out.printf(Locale.ROOT, "  %-24s %7s %7s %6s  %-9s %-9s %s%n", "device", "windows", "scored", "gaps",
                "p50 lat", "p95 lat", "alert changes");
        int devicesWithGaps = 0;
        List<Double> all = new ArrayList<>();
        for (Map.Entry<String, DeviceView> e : devices.entrySet()) {
            DeviceView d = e.getValue();
            all.addAll(d.latencies);
            devicesWithGaps += d.gaps > 0 ? 1 : 0;
            out.printf(Locale.ROOT, "  %-24s %7d %7d %6d  %-9s %-9s %s%n", shortId(e.getKey()), d.windows, d.scored,
                    d.gaps, seconds(percentile(d.latencies, 50)), seconds(percentile(d.latencies, 95)),
                    d.alerts.isEmpty() ? "none" : d.alerts.toString().replaceAll("[{}]", ""));
        }
        out.printf(Locale.ROOT, "  all devices: %d windows, %d alert changes, latency from the end of a window's audio "
                        + "to its prediction p50 %s / p95 %s%n", all.size(), alertEvents, seconds(percentile(all, 50)),
                seconds(percentile(all, 95)));
        for (DeviceView d : devices.values()) {
            d.switches.forEach(s -> out.println("  " + s.trim()));
        }
        out.flush();
        return devicesWithGaps;
    }

    synchronized int windows() {
        return devices.values().stream().mapToInt(d -> d.windows).sum();
    }

    synchronized Map<String, DeviceView> devices() {
        return Collections.unmodifiableMap(new TreeMap<>(devices));
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String micros(long m) {
        return java.time.Instant.ofEpochSecond(m / 1_000_000, (m % 1_000_000) * 1000).toString().substring(11, 23);
    }

    /** Device ids without the demo run's suffix, for narrow columns. */
    static String shortId(String device) {
        int at = device.indexOf('@');
        return at > 0 ? device.substring(0, at) : device;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
