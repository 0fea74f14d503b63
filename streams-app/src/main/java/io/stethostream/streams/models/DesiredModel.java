package io.stethostream.streams.models;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * The release every instance should serve (record key {@code desired}), with the history {@code rollback} walks back.
 *
 * @param sha256  the release to serve
 * @param action  {@code deploy} or {@code rollback}
 * @param at      when it was published
 * @param history releases deployed before, newest first (bounded); {@code rollback} serves the first of them
 */
public record DesiredModel(@JsonProperty("sha256") String sha256, @JsonProperty("action") String action,
                           @JsonProperty("at") Instant at, @JsonProperty("history") List<String> history) {

    public static final int MAX_HISTORY = 20;

    public DesiredModel {
        history = history == null ? List.of() : List.copyOf(history);
    }
}
