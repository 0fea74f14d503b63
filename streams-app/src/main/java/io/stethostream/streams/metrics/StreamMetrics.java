package io.stethostream.streams.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.function.DoubleSupplier;

/**
 * The application's Prometheus metrics, in one registry per application instance (so tests do not share counters).
 * Windows per second is {@code rate(stethostream_windows_total[1m])}.
 */
public final class StreamMetrics {

    private final PrometheusRegistry registry;
    private final Counter windows;
    private final Counter rejected;
    private final Counter duplicates;
    private final Counter missing;
    private final Counter alerts;
    private final Histogram inferenceSeconds;
    private final Histogram batchSize;
    private final Info model;

    public StreamMetrics() {
        this(new PrometheusRegistry());
    }

    public StreamMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        windows = Counter.builder().name("stethostream_windows_total")
                .help("Windows published, by whether the model ran (inferred) or the signal was unusable (skipped)")
                .labelNames("outcome").register(registry);
        rejected = Counter.builder().name("stethostream_rejected_records_total")
                .help("Audio records sent to the dead-letter topic, by reason").labelNames("reason").register(registry);
        duplicates = Counter.builder().name("stethostream_duplicate_chunks_total")
                .help("Chunks dropped as duplicates or too late").register(registry);
        missing = Counter.builder().name("stethostream_missing_chunks_total")
                .help("Sequence numbers given up on (gaps)").register(registry);
        alerts = Counter.builder().name("stethostream_alert_events_total")
                .help("Alert events published, by kind and state").labelNames("kind", "state").register(registry);
        inferenceSeconds = Histogram.builder().name("stethostream_inference_seconds")
                .help("Wall time of one model batch").register(registry);
        batchSize = Histogram.builder().name("stethostream_inference_batch_size")
                .help("Windows per model batch").classicUpperBounds(1, 2, 4, 8, 16, 32, 64).register(registry);
        model = Info.builder().name("stethostream_model").help("The model being served")
                .labelNames("name", "version", "release").register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void window(boolean inferred) {
        windows.labelValues(inferred ? "inferred" : "skipped").inc();
    }

    public void rejected(String reason) {
        rejected.labelValues(reason).inc();
    }

    public void duplicates(long n) {
        if (n > 0) {
            duplicates.inc(n);
        }
    }

    public void missing(long n) {
        if (n > 0) {
            missing.inc(n);
        }
    }

    public void alert(String kind, String state) {
        alerts.labelValues(kind, state).inc();
    }

    public void batch(int size, double seconds) {
        inferenceSeconds.observe(seconds);
        batchSize.observe(size);
    }

    public void model(String name, String version, String release) {
        model.setLabelValues(name, version, release);
    }

    /** Registers a gauge read at scrape time (consumer lag from the Kafka client metrics, say). */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** Model wall time and windows inferred so far, {seconds, windows}: a benchmark divides the two over an interval. */
    public double[] inferenceTotals() {
        var seconds = inferenceSeconds.collect().getDataPoints();
        var windows = batchSize.collect().getDataPoints();
        return new double[] {seconds.isEmpty() ? 0 : seconds.get(0).getSum(),
                windows.isEmpty() ? 0 : windows.get(0).getSum()};
    }

    /** Total of a counter, for tests: windows by outcome. */
    public double windows(boolean inferred) {
        return windows.labelValues(inferred ? "inferred" : "skipped").get();
    }

    /** Total of a counter, for tests: rejected records by reason. */
    public double rejectedCount(String reason) {
        return rejected.labelValues(reason).get();
    }
}
