package io.stethostream.streams.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.streams.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark end to end on the embedded broker, very short: the structure of its result, no timing thresholds. */
class StreamCapacityBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void shortRunMeasuresInferenceOneStepAndAHold() throws Exception {
        // devices 2, step 1: the ramp ends at its maximum, then a 10 s hold at 2 (and, if it fails, one at 1)
        StreamCapacityBenchmark.Config config = new StreamCapacityBenchmark.Config(2, 1, 2, Duration.ofSeconds(15),
                Duration.ofSeconds(10), TestModels.modelFile(), 1, null, dir.resolve("work"), 0.5,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Map.of("commit.interval.ms", "200"),
                Map.of("state.audio-in-memory", "false"), // the RocksDB variant of the audio stores
                Duration.ofSeconds(5), 1);

        List<String> lines = new ArrayList<>();
        StreamCapacityBenchmark.Result r = new StreamCapacityBenchmark(config, line -> {
            lines.add(line);
            System.out.println(line);
        }).run();
        System.out.print(StreamCapacityBenchmark.summary(r));

        StreamCapacityBenchmark.InferenceCapacity inf = r.inference();
        assertTrue(inf.batch1WindowsPerSecond() > 0 && Double.isFinite(inf.batch1WindowsPerSecond()));
        assertTrue(inf.batch8WindowsPerSecond() > 0 && Double.isFinite(inf.batch8WindowsPerSecond()));
        assertTrue(inf.featureMillisPerHop() > 0 && Double.isFinite(inf.featureMillisPerHop()));
        assertEquals(inf.bestWindowsPerSecond() * r.model().hopSeconds(), inf.devicesBoundBest(), 1e-9);

        assertTrue(r.inferenceAfter().batch1WindowsPerSecond() > 0, "measured again after the stream");
        assertEquals(Math.max(inf.devicesBoundBest(), r.inferenceAfter().devicesBoundBest()), r.inferenceBoundDevices());
        assertEquals(1, r.steps().size());
        StreamCapacityBenchmark.Phase step = r.steps().get(0);
        assertEquals(2, step.devices());
        assertTrue(step.expectedWindows() > 0, "expected " + step.expectedWindows());
        assertTrue(step.receivedWindows() > 0, "received " + step.receivedWindows());
        assertTrue(step.receivedWindows() <= step.expectedWindows(), step.toString());
        assertEquals(0, step.duplicateWindows(), "exactly-once: no prediction twice");
        assertTrue(step.latencySamples() > 0);
        assertTrue(Double.isFinite(step.p50Ms()) && Double.isFinite(step.p99Ms()), step.toString());
        assertTrue(step.p50Ms() > 0 && step.p50Ms() <= step.p99Ms() && step.p99Ms() <= step.maxMs(), step.toString());
        assertTrue(step.chunksSent() > 0);
        assertEquals(step.held() ? 2 : 0, r.largestHeldInRampDevices());
        assertEquals(r.largestHeldInRampDevices() / r.inferenceBoundDevices(), r.rampRatioToInferenceBound(), 1e-12);
        if (step.held()) {
            List<StreamCapacityBenchmark.Phase> holds = r.holds();
            assertFalse(holds.isEmpty(), "the ramp held, so a hold ran");
            assertEquals(2, holds.get(0).devices());
            assertEquals(holds.get(holds.size() - 1), r.hold());
            if (holds.get(0).held()) {
                assertEquals(1, holds.size(), "no retry after a hold that held");
                assertEquals(2, r.largestHeldDevices());
            } else {
                assertEquals(2, holds.size(), "one retry, with one device fewer");
                assertEquals(1, holds.get(1).devices());
                assertEquals(holds.get(1).held() ? 1 : 0, r.largestHeldDevices());
            }
            assertEquals(r.hold().held(), r.holdHeld());
            assertTrue(r.hold().expectedWindows() > 0 && r.hold().receivedWindows() <= r.hold().expectedWindows());
        } else {
            assertTrue(r.holds().isEmpty(), "nothing held in the ramp, so no hold");
            assertNull(r.hold());
            assertEquals(0, r.largestHeldDevices());
        }
        assertEquals(r.largestHeldDevices() / r.inferenceBoundDevices(), r.ratioToInferenceBound(), 1e-12,
                "the ratio stands on the N held for the whole hold");
        assertEquals(1, r.settings().get("holdRetries"));
        assertTrue(r.machine().cores() >= 1);
        assertFalse(lines.isEmpty(), "progress lines");
        assertEquals(Map.of("commit.interval.ms", "200"), r.settings().get("streamsSettings"), "settings recorded");
        assertTrue(lines.stream().anyMatch(l -> l.contains("thread process ")), "the stream thread's time split");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("warm-up N=1")), "half of the first step warms up");
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* model [0-9.]+ ms/window.*")), "the model's time in the "
                + "stream");
        assertEquals(1, r.steps().size(), "the warm-up is not a step");
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("commit interval (200 ms)")), r.notes().toString());

        JsonNode json = new ObjectMapper().readTree(StreamCapacityBenchmark.toJson(r));
        for (String key : new String[] {"machine", "model", "inference", "steps", "holds", "hold", "holdHeld",
                "largestHeldDevices", "largestHeldInRampDevices",
                "ratioToInferenceBound", "criteria", "notes"}) {
            assertTrue(json.has(key), "JSON has " + key);
        }
        assertEquals(step.receivedWindows(), json.path("steps").get(0).path("receivedWindows").asLong());
        assertEquals(r.hold() == null, json.path("hold").isNull(), "the last hold, as a field of its own");
        assertFalse(StreamCapacityBenchmark.summary(r).isBlank());
    }

    @Test
    void configRefusesNegativeHoldRetries() {
        StreamCapacityBenchmark.Config d = StreamCapacityBenchmark.Config.defaults(Path.of("model.onnx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StreamCapacityBenchmark.Config(d.devicesStart(), d.devicesStep(), d.devicesMax(),
                        d.stepDuration(), d.hold(), d.model(), d.threads(), null, null, d.inferenceSeconds(),
                        d.progressEvery(), d.drainTimeout(), Map.of(), Map.of(), d.warmup(), -1));
        assertTrue(e.getMessage().contains("hold retries"), e.getMessage());
        assertEquals(2, d.holdRetries());
    }

    @Test
    void percentilesAndSlope() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, StreamCapacityBenchmark.percentile(v, 0.5));
        assertEquals(10, StreamCapacityBenchmark.percentile(v, 0.99));
        assertTrue(Double.isNaN(StreamCapacityBenchmark.percentile(new double[0], 0.5)));
        assertEquals(2.0, StreamCapacityBenchmark.slope(List.of(new double[] {0, 1}, new double[] {1, 3},
                new double[] {2, 5})), 1e-12);
        assertEquals(0.0, StreamCapacityBenchmark.slope(List.of(new double[] {1, 1})));
    }
}
