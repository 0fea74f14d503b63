package io.stethostream.ingest.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts for one group of a dataset (an ICBHI split, a SPRSound set, or the whole dataset).
 *
 * @param name            the group, for example {@code train}, {@code test}, {@code all}
 * @param recordings      recordings (annotation files) in the group
 * @param withAudio       of those, recordings whose audio file was found
 * @param cycles          annotated spans (ICBHI cycles, SPRSound events) per {@link RespiratoryClass#label()}
 * @param cyclesWithAudio the same, only in recordings whose audio was found
 * @param recordLabels    recordings per record-level label (SPRSound only; empty for ICBHI)
 * @param eventTypes      events per original event type (SPRSound only; empty for ICBHI)
 */
public record GroupCounts(String name, int recordings, int withAudio, Map<String, Integer> cycles,
                          Map<String, Integer> cyclesWithAudio,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> recordLabels,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> eventTypes) {

    public GroupCounts {
        cycles = copy(cycles);
        cyclesWithAudio = copy(cyclesWithAudio);
        recordLabels = copy(recordLabels);
        eventTypes = copy(eventTypes);
    }

    /** Recordings whose audio file is missing. */
    public int withoutAudio() {
        return recordings - withAudio;
    }

    /** All annotated spans in the group. */
    public int cycleTotal() {
        return cycles.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Annotated spans in recordings whose audio was found. */
    public int cycleTotalWithAudio() {
        return cyclesWithAudio.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Spans of one class (0 if none). */
    public int cycles(RespiratoryClass c) {
        return cycles.getOrDefault(c.label(), 0);
    }

    /** Spans of one class in recordings with audio (0 if none). */
    public int cyclesWithAudio(RespiratoryClass c) {
        return cyclesWithAudio.getOrDefault(c.label(), 0);
    }

    private static Map<String, Integer> copy(Map<String, Integer> m) {
        // Unmodifiable but order-preserving, so JSON and tables list classes in model order.
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Accumulates counts recording by recording. */
    public static final class Builder {
        private final String name;
        private int recordings;
        private int withAudio;
        private final Map<String, Integer> cycles = zeros(classLabels());
        private final Map<String, Integer> cyclesWithAudio = zeros(classLabels());
        private final Map<String, Integer> recordLabels;
        private final Map<String, Integer> eventTypes;

        /** A builder for an ICBHI-style group: no record labels or event types. */
        public Builder(String name) {
            this(name, List.of(), List.of());
        }

        /** A builder that lists the given record labels and event types even when their count is zero. */
        public Builder(String name, List<String> recordLabels, List<String> eventTypes) {
            this.name = name;
            this.recordLabels = zeros(recordLabels);
            this.eventTypes = zeros(eventTypes);
        }

        /** Counts one recording and its annotated spans. */
        public Builder addRecording(boolean hasAudio, List<Cycle> spans) {
            recordings++;
            if (hasAudio) {
                withAudio++;
            }
            for (Cycle c : spans) {
                cycles.merge(c.label().label(), 1, Integer::sum);
                if (hasAudio) {
                    cyclesWithAudio.merge(c.label().label(), 1, Integer::sum);
                }
            }
            return this;
        }

        /** Counts one record-level label. */
        public Builder countRecordLabel(String label) {
            recordLabels.merge(label, 1, Integer::sum);
            return this;
        }

        /** Counts one event of the given type. */
        public Builder countEventType(String type) {
            eventTypes.merge(type, 1, Integer::sum);
            return this;
        }

        public GroupCounts build() {
            return new GroupCounts(name, recordings, withAudio, cycles, cyclesWithAudio, recordLabels, eventTypes);
        }

        private static List<String> classLabels() {
            return java.util.Arrays.stream(RespiratoryClass.values()).map(RespiratoryClass::label).toList();
        }

        private static Map<String, Integer> zeros(List<String> keys) {
            Map<String, Integer> m = new LinkedHashMap<>();
            keys.forEach(k -> m.put(k, 0));
            return m;
        }
    }
}
