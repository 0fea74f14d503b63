package io.stethostream.streams.records;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;

/**
 * One change of an alert, the value on {@code stethoscope.alerts} (docs/protocol.md).
 *
 * @param device       the stethoscope
 * @param kind         what the alert is about
 * @param state        raised, updated (an abnormal alert changed kind) or cleared
 * @param previousKind the kind before an update, else null
 * @param since        when the condition began: the first window's start (capture time), or for signal_lost the
 *                     wall-clock time audio was last received (ISO-8601 UTC)
 * @param at           the time of this change: the deciding window's end, or wall-clock time for signal_lost
 * @param reason       a sentence saying why
 * @param evidence     the windows behind the change (empty for signal_lost)
 * @param model        the model of the deciding window, or null
 */
public record AlertEvent(@JsonProperty("device") String device, @JsonProperty("kind") Kind kind,
                         @JsonProperty("state") State state, @JsonProperty("previousKind") Kind previousKind,
                         @JsonProperty("since") String since, @JsonProperty("at") String at,
                         @JsonProperty("reason") String reason,
                         @JsonProperty("evidence") List<WindowEvidence> evidence,
                         @JsonProperty("model") ModelRef model) {

    /** Alert kinds; JSON uses the lower-case names. */
    public enum Kind {
        CRACKLES, WHEEZES, BOTH, POOR_SIGNAL, SIGNAL_LOST;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Kind parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** Lifecycle states; JSON uses the lower-case names. */
    public enum State {
        RAISED, UPDATED, CLEARED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static State parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
