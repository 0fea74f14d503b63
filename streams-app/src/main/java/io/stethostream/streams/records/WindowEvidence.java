package io.stethostream.streams.records;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/** A window behind an alert: when, what the model said, and the quality verdict. */
public record WindowEvidence(@JsonProperty("windowStart") String windowStart,
                             @JsonProperty("windowStartMicros") long windowStartMicros,
                             @JsonProperty("windowEndMicros") long windowEndMicros,
                             @JsonProperty("label") String label,
                             @JsonProperty("probabilities") Map<String, Double> probabilities,
                             @JsonProperty("quality") String quality) {

    public static WindowEvidence of(WindowPrediction p) {
        return new WindowEvidence(p.windowStart(), p.windowStartMicros(), p.windowEndMicros(), p.label(),
                p.probabilities(), p.quality().verdict().name());
    }
}
