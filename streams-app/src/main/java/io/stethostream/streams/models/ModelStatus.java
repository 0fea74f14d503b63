package io.stethostream.streams.models;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * What one application instance did with a release (record key {@code status/INSTANCE}): the model event that
 * {@code deploy --wait} prints and operators watch.
 *
 * @param instance     the instance's id (host and process)
 * @param sha256       the release it acted on
 * @param modelVersion the release's model version, when the file could be read
 * @param outcome      {@code accepted} (now serving) or {@code refused}
 * @param reason       why it was refused, or null
 * @param serving      SHA-256 of what the instance serves after acting (the old model when refused)
 * @param at           when
 */
public record ModelStatus(@JsonProperty("instance") String instance, @JsonProperty("sha256") String sha256,
                          @JsonProperty("modelVersion") String modelVersion, @JsonProperty("outcome") String outcome,
                          @JsonProperty("reason") String reason, @JsonProperty("serving") String serving,
                          @JsonProperty("at") Instant at) {

    public static final String ACCEPTED = "accepted";
    public static final String REFUSED = "refused";

    public boolean accepted() {
        return ACCEPTED.equals(outcome);
    }
}
