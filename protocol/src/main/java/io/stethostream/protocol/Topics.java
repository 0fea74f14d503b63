package io.stethostream.protocol;

import java.util.List;

/** The topic names the agent, the stream and the consoles share (docs/protocol.md). */
public final class Topics {

    /** Audio chunks; key = device id (UTF-8), value = {@link AudioChunkCodec} bytes. */
    public static final String AUDIO = "stethoscope.audio";
    /** One JSON prediction per window; key = device id. */
    public static final String PREDICTIONS = "stethoscope.predictions";
    /** Alert lifecycle events (raised, updated, cleared) as JSON; key = device id. */
    public static final String ALERTS = "stethoscope.alerts";
    /** Every audio record that could not be used, unchanged, with the reason in {@link DeadLetterHeaders}. */
    public static final String AUDIO_DLQ = "stethoscope.audio.dlq";
    /** Model releases, compacted; key = release id. */
    public static final String MODELS = "stethoscope.models";
    /** Acknowledgements of alerts from the dashboard (who, when, which alert) as JSON, compacted; key = alert id. */
    public static final String ALERT_ACKS = "stethoscope.alert-acks";

    public static final List<String> ALL = List.of(AUDIO, PREDICTIONS, ALERTS, AUDIO_DLQ, MODELS, ALERT_ACKS);

    private Topics() {
    }
}
