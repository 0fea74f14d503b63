package io.stethostream.streams.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.stethostream.streams.quality.QualityReport;

import java.util.Map;

/**
 * One window's result, the value on {@code stethoscope.predictions} (docs/protocol.md). A window whose signal is
 * unusable is still published, with {@code inferred = false}, no label or probabilities, and the quality reason.
 *
 * @param device            the stethoscope
 * @param windowStart       capture time of the window's first sample (ISO-8601 UTC)
 * @param windowEnd         capture time just after its last sample
 * @param windowStartMicros the same in microseconds since the epoch (exact; use this to compare windows)
 * @param windowEndMicros   the same for the end
 * @param inferred          whether the model ran on this window
 * @param label             the most probable label, or null
 * @param probabilities     probability per label in the model's order, empty when not inferred
 * @param quality           the signal-quality verdict
 * @param model             the model that ran, or null when not inferred
 * @param attributes        the attributes the device's agent sends with its audio (patient, location, ...), as of the
 *                          last chunk this instance saw from it; empty when none (never null)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WindowPrediction(@JsonProperty("device") String device,
                               @JsonProperty("windowStart") String windowStart,
                               @JsonProperty("windowEnd") String windowEnd,
                               @JsonProperty("windowStartMicros") long windowStartMicros,
                               @JsonProperty("windowEndMicros") long windowEndMicros,
                               @JsonProperty("inferred") boolean inferred,
                               @JsonProperty("label") String label,
                               @JsonProperty("probabilities") Map<String, Double> probabilities,
                               @JsonProperty("quality") QualityReport quality,
                               @JsonProperty("model") ModelRef model,
                               @JsonProperty("attributes") Map<String, String> attributes) {

    public WindowPrediction {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
