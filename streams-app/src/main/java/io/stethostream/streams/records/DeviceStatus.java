package io.stethostream.streams.records;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the application knows about one device right now (store {@code device-status}, served at {@code /devices}).
 *
 * @param device            the stethoscope
 * @param lastAudioWallMs   wall-clock time the last chunk was processed (ms since the epoch)
 * @param lastCaptureMicros capture time just after the last chunk used
 * @param sampleRate        the device's sample rate
 * @param chunks            chunks accepted (duplicates excluded)
 * @param duplicates        chunks dropped as duplicates or too late
 * @param missingSequences  sequence numbers given up on (gaps)
 * @param restarts          times windowing started over (long gaps, rate changes)
 * @param windows           windows published
 * @param inferred          of which classified by the model
 * @param lastLabel         the last window's label, or null
 * @param lastQuality       the last window's quality verdict, or null
 * @param lastWindowStart   the last window's start (ISO-8601), or null
 * @param signalLost        whether the device is silent for longer than the signal-lost threshold
 */
public record DeviceStatus(@JsonProperty("device") String device,
                           @JsonProperty("lastAudioWallMs") long lastAudioWallMs,
                           @JsonProperty("lastCaptureMicros") long lastCaptureMicros,
                           @JsonProperty("sampleRate") int sampleRate,
                           @JsonProperty("chunks") long chunks,
                           @JsonProperty("duplicates") long duplicates,
                           @JsonProperty("missingSequences") long missingSequences,
                           @JsonProperty("restarts") long restarts,
                           @JsonProperty("windows") long windows,
                           @JsonProperty("inferred") long inferred,
                           @JsonProperty("lastLabel") String lastLabel,
                           @JsonProperty("lastQuality") String lastQuality,
                           @JsonProperty("lastWindowStart") String lastWindowStart,
                           @JsonProperty("signalLost") boolean signalLost) {

    public static DeviceStatus initial(String device) {
        return new DeviceStatus(device, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, false);
    }

    public DeviceStatus withAudio(long wallMs, long captureMicros, int rate, long chunks, long duplicates,
                                  long missing, long restarts) {
        return new DeviceStatus(device, wallMs, captureMicros, rate, chunks, duplicates, missing, restarts, windows,
                inferred, lastLabel, lastQuality, lastWindowStart, false);
    }

    public DeviceStatus withWindow(WindowPrediction p) {
        return new DeviceStatus(device, lastAudioWallMs, lastCaptureMicros, sampleRate, chunks, duplicates,
                missingSequences, restarts, windows + 1, inferred + (p.inferred() ? 1 : 0), p.label(),
                p.quality().verdict().name(), p.windowStart(), signalLost);
    }

    public DeviceStatus withSignalLost(boolean lost) {
        return new DeviceStatus(device, lastAudioWallMs, lastCaptureMicros, sampleRate, chunks, duplicates,
                missingSequences, restarts, windows, inferred, lastLabel, lastQuality, lastWindowStart, lost);
    }
}
