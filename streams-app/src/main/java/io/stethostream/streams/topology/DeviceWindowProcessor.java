package io.stethostream.streams.topology;

import io.stethostream.ingest.features.FeatureMatrix;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.ingest.features.Normalization;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.Predictions;
import io.stethostream.streams.audio.ChunkReassembler.Piece;
import io.stethostream.streams.audio.DeviceStream;
import io.stethostream.streams.audio.DeviceStreamCodec;
import io.stethostream.streams.dashboard.RecentSpectrograms;
import io.stethostream.streams.metrics.StreamMetrics;
import io.stethostream.streams.models.ModelSlot;
import io.stethostream.streams.quality.HopQuality;
import io.stethostream.streams.quality.QualityReport;
import io.stethostream.streams.quality.SignalQuality;
import io.stethostream.streams.records.DeviceStatus;
import io.stethostream.streams.records.ModelRef;
import io.stethostream.streams.records.Times;
import io.stethostream.streams.records.WindowPrediction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Per device: chunks to windows ({@link DeviceStream}), signal quality, model-input features, batched inference,
 * prediction records; plus the wall-clock signal-lost check. State lives in the {@code device-state} (heads),
 * {@code device-audio} (sample blocks) and {@code device-status} stores; the in-memory map only caches decoded device
 * streams (with their log-mel rows).
 *
 * <p><b>Batching and exactly-once.</b> Windows wait in memory for a batch (when {@code batch.max-wait-ms > 0}); a
 * device's stored state keeps the samples of every window whose prediction is not out yet. If the instance dies
 * before the batch runs, the transaction that advanced the state never commits, or (after a clean hand-over) the
 * next owner finds windows computed but not emitted and computes them again ({@link DeviceStream#rewindUnemitted}).
 *
 * <p><b>Pipelined inference</b> ({@code inference.threads > 0}): the model runs in the instance's inference pool while
 * this thread goes on with the next chunks; predictions are forwarded from this thread, in window order, when they are
 * ready (at the next record or a short wall-clock tick). Until then the windows count as not emitted, exactly as in a
 * batch, so a crash in between loses nothing and repeats nothing. At most {@value #MAX_IN_FLIGHT} windows are out: when
 * the pool falls behind this thread waits, and the backlog stays in Kafka.
 */
final class DeviceWindowProcessor implements Processor<String, DecodedChunk, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceWindowProcessor.class);
    private static final int MAX_IN_FLIGHT = 16;

    /**
     * A window waiting for the model; {@code logMel} is null when the window is not usable. It is normalised only at
     * inference, with the statistics of the model that serves it (a swapped-in model may normalise differently).
     */
    private record Pending(String device, DeviceStream stream, long startSample, long startMicros, long endMicros,
                           QualityReport quality, FeatureMatrix logMel, long timestamp,
                           Map<String, String> attributes) {
    }

    /** Windows handed to the inference pool, with their predictions to come. */
    private record InFlight(List<Pending> jobs, Future<Map<Pending, WindowPrediction>> predictions) {
    }

    private final ModelSlot slot;
    private final MonitoringConfig config;
    private final StreamMetrics metrics;
    private final FeatureSpec spec;
    private final SignalQuality quality;
    private final ExecutorService inference; // null: the model runs in the stream thread
    private final RecentSpectrograms spectrograms; // null: nobody looks at the features
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private int inFlightWindows;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> audio;
    private KeyValueStore<String, DeviceStatus> statuses;
    private final Map<String, DeviceStream> cache = new HashMap<>();
    // Statuses as last written to their store: every chunk reads and rewrites one, and JSON decoding each time cost
    // about as much as the signal-quality check.
    private final Map<String, DeviceStatus> statusCache = new HashMap<>();
    private final Map<String, HopQuality> hopQuality = new HashMap<>();
    // The agent's attributes (patient, location) from each device's latest chunk, copied onto its predictions.
    private final Map<String, Map<String, String>> attributes = new HashMap<>();
    private List<Pending> pending = new ArrayList<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private boolean recovered;
    // When this task started on this instance: no device is judged silent for a signal-lost period after it (below).
    private long startedWallMs;

    DeviceWindowProcessor(ModelSlot slot, MonitoringConfig config, StreamMetrics metrics, ExecutorService inference,
                          RecentSpectrograms spectrograms) {
        this.slot = slot;
        this.inference = inference;
        this.spectrograms = spectrograms;
        this.config = config;
        this.metrics = metrics;
        this.spec = config.effectiveSpec(slot.featureSpec());
        this.quality = new SignalQuality(config.quality());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.states = context.getStateStore(StreamTopics.DEVICE_STATE_STORE);
        this.audio = context.getStateStore(StreamTopics.DEVICE_AUDIO_STORE);
        this.statuses = context.getStateStore(StreamTopics.DEVICE_STATUS_STORE);
        clearMemory();
        pending = new ArrayList<>();
        dropInFlight();
        dirty.clear();
        recovered = false;
        startedWallMs = context.currentSystemTimeMs();
        long flushEvery = config.batchMaxWaitMs() > 0 ? config.batchMaxWaitMs() : 1000;
        context.schedule(Duration.ofMillis(flushEvery), PunctuationType.WALL_CLOCK_TIME, t -> onBatchTimer());
        context.schedule(Duration.ofMillis(config.alerts().signalCheckMillis()), PunctuationType.WALL_CLOCK_TIME,
                this::checkSignalLost);
        if (inference != null) {
            context.schedule(Duration.ofMillis(20), PunctuationType.WALL_CLOCK_TIME, t -> {
                emitReady();
                persist();
            });
        }
    }

    @Override
    public void process(Record<String, DecodedChunk> record) {
        emitReady();
        String device = record.key();
        AudioChunk c = record.value().chunk();
        if (!c.attributes().isEmpty()) {
            attributes.put(device, c.attributes());
        }
        DeviceStream stream = load(device);
        DeviceStream.Outcome outcome;
        try {
            outcome = stream.accept(new Piece(c.sequence(), c.captureTimeMicros(), c.sampleRate(), c.samples()),
                    listener(device, stream, record.timestamp()));
        } catch (InferenceException e) {
            throw e;
        } catch (RuntimeException e) {
            // Forget what this record did in memory; the stored state is the one before it.
            LOG.warn("device {}: chunk {} could not be processed: {}", device, c.sequence(), e.toString());
            forget(device);
            pending.removeIf(p -> p.device().equals(device));
            dirty.remove(device);
            metrics.rejected(DeadLetters.PROCESSING_FAILED);
            context.forward(DeadLetters.record(context, record.value().rawKey(), record.value().rawValue(),
                    record.headers(), record.timestamp(), DeadLetters.PROCESSING_FAILED, e.toString()),
                    MonitoringTopology.DLQ_SINK);
            return;
        }
        if (outcome.duplicate()) {
            metrics.duplicates(1);
        }
        metrics.missing(outcome.skippedSequences());
        dirty.add(device);
        long now = context.currentSystemTimeMs();
        DeviceStatus status = status(device);
        if (status.signalLost()) {
            context.forward(new Record<>(device, new AlertInput(null, AlertInput.Signal.RESUMED,
                    status.lastAudioWallMs(), now), record.timestamp()), MonitoringTopology.ALERTS);
        }
        putStatus(device, status.withAudio(now, stream.lastEndMicros(), stream.sampleRate(), stream.chunks(),
                stream.duplicates(), stream.missingSequences(), stream.restarts()));
        if (config.batchMaxWaitMs() == 0 || pending.size() >= config.batchMaxWindows()) {
            flush();
        }
        persist();
    }

    private DeviceStream.Listener listener(String device, DeviceStream stream, long timestamp) {
        return new DeviceStream.Listener() {
            @Override
            public void window(DeviceStream.Window w) {
                enqueue(device, stream, w, timestamp);
            }

            @Override
            public void beforeRestart() {
                flush(); // windows of the old segment go out before its samples are dropped
                emitAll();
            }
        };
    }

    private void enqueue(String device, DeviceStream stream, DeviceStream.Window w, long timestamp) {
        QualityReport q = hopQuality.computeIfAbsent(device, d -> new HopQuality(quality, spec.hopSamples()))
                .assess(w.startSample(), w.samples());
        FeatureMatrix logMel = null;
        if (q.usable()) {
            logMel = w.logMel();
            if (spectrograms != null) {
                // a normalised copy for the dashboard: the log-mel itself waits for the serving model's statistics
                FeatureMatrix shown = FeatureMatrix.zeros(spec.targetFrames(), logMel.bins());
                Normalization.modelInputInto(logMel, spec, shown.data(), 0);
                spectrograms.record(device, w.startMicros(), w.endMicros(), shown);
            }
        }
        pending.add(new Pending(device, stream, w.startSample(), w.startMicros(), w.endMicros(), q, logMel, timestamp,
                attributes.getOrDefault(device, Map.of())));
    }

    /** Loads a device from the cache or the store; a stored stream with windows not emitted computes them again. */
    private DeviceStream load(String device) {
        DeviceStream s = cache.get(device);
        if (s != null) {
            return s;
        }
        byte[] bytes = states.get(device);
        if (bytes == null) {
            s = new DeviceStream(spec, config.reorderMaxChunks(), config.gapRestartMicros());
        } else {
            try {
                s = DeviceStreamCodec.load(bytes, blocks(device), spec, config.reorderMaxChunks(),
                        config.gapRestartMicros());
            } catch (RuntimeException e) {
                // A state this build cannot read must not stop every later chunk: the device starts over.
                LOG.error("device {}: stored state unreadable ({}); windowing starts over", device, e.getMessage());
                s = new DeviceStream(spec, config.reorderMaxChunks(), config.gapRestartMicros());
                cache.put(device, s);
                return s;
            }
            int lost = s.rewindUnemitted();
            if (lost > 0) {
                LOG.info("device {}: computing {} window(s) again whose predictions were not out", device, lost);
                DeviceStream stream = s;
                s.pollWindows(listener(device, stream, context.currentSystemTimeMs()));
                dirty.add(device);
            }
        }
        cache.put(device, s);
        return s;
    }

    private void onBatchTimer() {
        if (!recovered) {
            recovered = true;
            // Devices not heard from since start may hold windows whose predictions were lost with a batch.
            List<String> devices = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = states.all()) {
                it.forEachRemaining(kv -> devices.add(kv.key));
            }
            for (String d : devices) {
                if (!cache.containsKey(d)) {
                    load(d);
                }
            }
        }
        flush();
        persist();
    }

    /** Runs the model on every waiting window (here or in the pool) and publishes the predictions in order. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> jobs = pending;
        pending = new ArrayList<>();
        if (inference == null) {
            emit(jobs, infer(jobs));
            return;
        }
        inFlight.add(new InFlight(jobs, inference.submit(() -> infer(jobs))));
        inFlightWindows += jobs.size();
        while (inFlightWindows > MAX_IN_FLIGHT) {
            emitOldest();
        }
        emitReady();
    }

    /** Publishes the predictions that are ready, oldest first, up to the first one still running. */
    private void emitReady() {
        while (!inFlight.isEmpty() && inFlight.peek().predictions().isDone()) {
            emitOldest();
        }
    }

    private void emitAll() {
        while (!inFlight.isEmpty()) {
            emitOldest();
        }
    }

    /** Waits for the oldest windows in the pool and publishes them; a failed inference fails here, as in-thread. */
    private void emitOldest() {
        InFlight f = inFlight.poll();
        inFlightWindows -= f.jobs().size();
        Map<Pending, WindowPrediction> predictions;
        try {
            predictions = f.predictions().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for inference", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InferenceException ie) {
                throw ie;
            }
            throw new InferenceException("inference failed: " + e.getCause(), e.getCause());
        }
        emit(f.jobs(), predictions);
    }

    /** The model's predictions for the windows that have an input (touches nothing but the slot: may run anywhere). */
    private Map<Pending, WindowPrediction> infer(List<Pending> jobs) {
        List<Pending> runnable = jobs.stream().filter(p -> p.logMel() != null).toList();
        Map<Pending, WindowPrediction> results = new HashMap<>();
        int perWindow = spec.targetFrames() * spec.melBins();
        for (int from = 0; from < runnable.size(); from += config.batchMaxWindows()) {
            List<Pending> batch = runnable.subList(from, Math.min(runnable.size(), from + config.batchMaxWindows()));
            float[] input = new float[batch.size() * perWindow];
            long t0 = System.nanoTime();
            Predictions out;
            ModelRef model;
            try (ModelSlot.Lease lease = slot.acquire()) {
                ModelMetadata meta = lease.metadata();
                // the windowing is the slot's contract; the normalisation is the serving model's own
                FeatureSpec modelSpec = spec.withNormalisation(meta.featureSpec().normMean(),
                        meta.featureSpec().normStd());
                for (int i = 0; i < batch.size(); i++) {
                    Normalization.modelInputInto(batch.get(i).logMel(), modelSpec, input, i * perWindow);
                }
                model = new ModelRef(meta.modelName(), meta.modelVersion(), lease.releaseId());
                out = lease.model().predict(input, batch.size());
            } catch (RuntimeException e) {
                throw new InferenceException("inference failed on a batch of " + batch.size() + ": " + e.getMessage(), e);
            }
            metrics.batch(batch.size(), (System.nanoTime() - t0) / 1e9);
            metrics.model(model.name(), model.version(), model.releaseId());
            for (int i = 0; i < batch.size(); i++) {
                Map<String, Double> probs = new LinkedHashMap<>();
                for (int k = 0; k < out.labels().size(); k++) {
                    probs.put(out.labels().get(k), (double) out.probabilities()[i][k]);
                }
                Pending p = batch.get(i);
                results.put(p, prediction(p, true, out.label(i), probs, model));
            }
        }
        return results;
    }

    /** Forwards predictions and alert inputs in window order and marks the windows emitted. */
    private void emit(List<Pending> jobs, Map<Pending, WindowPrediction> results) {
        for (Pending p : jobs) {
            if (cache.get(p.device()) != p.stream()) {
                // The device was dropped from memory after an error: its stored state still holds these windows as
                // not emitted, and they are computed again when it reloads.
                continue;
            }
            WindowPrediction wp = results.getOrDefault(p, prediction(p, false, null, Map.of(), null));
            metrics.window(wp.inferred());
            context.forward(new Record<>(p.device(), wp, p.timestamp()), MonitoringTopology.PREDICTIONS_SINK);
            context.forward(new Record<>(p.device(), AlertInput.of(wp), p.timestamp()), MonitoringTopology.ALERTS);
            p.stream().markEmitted(p.startSample());
            putStatus(p.device(), status(p.device()).withWindow(wp));
            dirty.add(p.device());
        }
    }

    private static WindowPrediction prediction(Pending p, boolean inferred, String label, Map<String, Double> probs,
                                               ModelRef model) {
        return new WindowPrediction(p.device(), Times.iso(p.startMicros()), Times.iso(p.endMicros()), p.startMicros(),
                p.endMicros(), inferred, label, probs, p.quality(), model, p.attributes());
    }

    /** Writes every changed device stream to its store. */
    private void persist() {
        for (String d : dirty) {
            DeviceStream s = cache.get(d);
            if (s != null) {
                states.put(d, DeviceStreamCodec.save(s, blocks(d)));
            }
        }
        dirty.clear();
    }

    /** The device's audio blocks in the {@code device-audio} store. */
    private DeviceStreamCodec.BlockStore blocks(String device) {
        return new DeviceStreamCodec.BlockStore() {
            @Override
            public byte[] get(long block) {
                return audio.get(StreamTopics.audioBlockKey(device, block));
            }

            @Override
            public void put(long block, byte[] value) {
                audio.put(StreamTopics.audioBlockKey(device, block), value);
            }

            @Override
            public void delete(long block) {
                audio.delete(StreamTopics.audioBlockKey(device, block));
            }
        };
    }

    private DeviceStatus status(String device) {
        DeviceStatus s = statusCache.get(device);
        if (s == null) {
            s = statuses.get(device);
            if (s != null) {
                statusCache.put(device, s);
            }
        }
        return s != null ? s : DeviceStatus.initial(device);
    }

    private void putStatus(String device, DeviceStatus status) {
        statuses.put(device, status);
        statusCache.put(device, status);
    }

    private void checkSignalLost(long now) {
        List<KeyValue<String, DeviceStatus>> lost = new ArrayList<>();
        try (KeyValueIterator<String, DeviceStatus> it = statuses.all()) {
            while (it.hasNext()) {
                KeyValue<String, DeviceStatus> kv = it.next();
                DeviceStatus s = kv.value;
                // Silence counts from the later of the last audio processed and this task's start. A task that
                // moved here (failover, scale-out, restart) first works through the audio that arrived while nobody
                // processed it; a pause of monitoring is not a stethoscope losing signal, and a device that really
                // went silent before the move is still found, one signal-lost period after the move.
                long silentSince = Math.max(s.lastAudioWallMs(), startedWallMs);
                if (!s.signalLost() && s.lastAudioWallMs() > 0
                        && now - silentSince >= config.alerts().signalLostMillis()) {
                    lost.add(kv);
                }
            }
        }
        for (KeyValue<String, DeviceStatus> kv : lost) {
            putStatus(kv.key, kv.value.withSignalLost(true));
            // A silent device leaves the in-memory cache (it reloads from the store when audio resumes).
            if (!awaitingModel(kv.key) && !dirty.contains(kv.key)) {
                forget(kv.key);
            }
            context.forward(new Record<>(kv.key, new AlertInput(null, AlertInput.Signal.LOST,
                    kv.value.lastAudioWallMs(), now), now), MonitoringTopology.ALERTS);
        }
    }

    /** Forgets the windows in the pool without publishing them: the stored state still has them as not emitted. */
    private void dropInFlight() {
        inFlight.forEach(f -> f.predictions().cancel(false));
        inFlight.clear();
        inFlightWindows = 0;
    }

    private boolean awaitingModel(String device) {
        return pending.stream().anyMatch(p -> p.device().equals(device))
                || inFlight.stream().anyMatch(f -> f.jobs().stream().anyMatch(p -> p.device().equals(device)));
    }

    @Override
    public void close() {
        if (!pending.isEmpty() || inFlightWindows > 0) {
            LOG.info("{} window(s) not yet inferred or published at close; the next owner of the task computes them "
                    + "again", pending.size() + inFlightWindows);
        }
        dropInFlight();
        clearMemory();
        pending = new ArrayList<>();
    }

    /** Drops a device's in-memory stream and hop measurements; it reloads from the store at its next chunk. */
    private void forget(String device) {
        cache.remove(device);
        hopQuality.remove(device);
    }

    /** Drops every in-memory cache (they are rebuilt from the stores). */
    private void clearMemory() {
        cache.clear();
        statusCache.clear();
        hopQuality.clear();
    }

}
