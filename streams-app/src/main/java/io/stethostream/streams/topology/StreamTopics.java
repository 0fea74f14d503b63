package io.stethostream.streams.topology;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.alerts.AlertState;
import io.stethostream.streams.records.AlertEvent;
import io.stethostream.streams.records.DeviceStatus;
import io.stethostream.streams.records.WindowPrediction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topology's topics, stores and their serdes in one place. Topic names are the protocol's ({@link Topics});
 * keys are device ids everywhere.
 */
public final class StreamTopics {

    /** Input: key device id (UTF-8), value {@code AudioChunkCodec} bytes; read as raw bytes so bad records stay intact. */
    public static final String AUDIO = Topics.AUDIO;
    public static final String DLQ = Topics.AUDIO_DLQ;
    public static final String PREDICTIONS = Topics.PREDICTIONS;
    public static final String ALERTS = Topics.ALERTS;

    /** Per-device audio state: the head written by {@code DeviceStreamCodec.save}. */
    public static final String DEVICE_STATE_STORE = "device-state";
    /** Model-rate audio blocks still needed by a window; key {@link #audioBlockKey}. */
    public static final String DEVICE_AUDIO_STORE = "device-audio";
    /** Per-device status ({@link DeviceStatus} JSON), served at /devices. */
    public static final String DEVICE_STATUS_STORE = "device-status";
    /** Per-device alert state ({@link AlertState} JSON). */
    public static final String ALERT_STATE_STORE = "alert-state";

    public static final Serde<byte[]> RAW = Serdes.ByteArray();
    public static final Serde<String> DEVICE_ID = Serdes.String();
    public static final Serde<WindowPrediction> PREDICTION = new JsonSerde<>(WindowPrediction.class);
    public static final Serde<AlertEvent> ALERT = new JsonSerde<>(AlertEvent.class);
    public static final Serde<DeviceStatus> STATUS = new JsonSerde<>(DeviceStatus.class);
    public static final Serde<AlertState> ALERT_STATE = new JsonSerde<>(AlertState.class);

    /** Key of one audio block: the device id, a NUL, and the block index in 16 hex digits. */
    public static String audioBlockKey(String device, long block) {
        return device + '\u0000' + String.format("%016x", block);
    }

    private StreamTopics() {
    }
}
