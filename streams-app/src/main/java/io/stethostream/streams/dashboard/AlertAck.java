package io.stethostream.streams.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * An acknowledgement of one alert, the value on {@code stethoscope.alert-acks} (key: the alert id; docs/protocol.md).
 *
 * @param alertId       {@link WardState#alertId}: device, alert family and the time the condition began
 * @param device        the stethoscope
 * @param kind          the alert's kind when it was acknowledged
 * @param user          who acknowledged it: the authenticated user, or the name typed on a page without credentials
 * @param authenticated whether {@code user} was checked against the dashboard's credentials
 * @param at            when (ISO-8601 UTC)
 */
public record AlertAck(@JsonProperty("alertId") String alertId, @JsonProperty("device") String device,
                       @JsonProperty("kind") String kind, @JsonProperty("user") String user,
                       @JsonProperty("authenticated") boolean authenticated, @JsonProperty("at") String at) {

    public AlertAck {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }
}
