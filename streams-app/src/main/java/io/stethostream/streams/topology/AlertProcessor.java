package io.stethostream.streams.topology;

import io.stethostream.streams.alerts.AlertState;
import io.stethostream.streams.alerts.AlertTracker;
import io.stethostream.streams.metrics.StreamMetrics;
import io.stethostream.streams.records.AlertEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;

/** Applies {@link AlertTracker} to each device's predictions and signal changes, keeping its state in a store. */
final class AlertProcessor implements Processor<String, AlertInput, String, AlertEvent> {

    private final AlertTracker tracker;
    private final StreamMetrics metrics;
    private ProcessorContext<String, AlertEvent> context;
    private KeyValueStore<String, AlertState> store;

    AlertProcessor(MonitoringConfig config, StreamMetrics metrics) {
        this.tracker = new AlertTracker(config.alerts());
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.store = context.getStateStore(StreamTopics.ALERT_STATE_STORE);
    }

    @Override
    public void process(Record<String, AlertInput> record) {
        String device = record.key();
        AlertInput in = record.value();
        AlertState state = store.get(device);
        if (state == null) {
            state = new AlertState();
        }
        List<AlertEvent> events = switch (in.signal()) {
            case NONE -> tracker.onPrediction(state, in.prediction());
            case LOST -> tracker.onSignalLost(state, device, in.lastAudioWallMs(), in.nowWallMs());
            case RESUMED -> tracker.onAudio(state, device, in.nowWallMs());
        };
        store.put(device, state);
        for (AlertEvent e : events) {
            metrics.alert(e.kind().json(), e.state().json());
            context.forward(new Record<>(device, e, record.timestamp()));
        }
    }
}
