package io.stethostream.ingest.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SPRSound JSON label file:
 * {@code {"record_annotation": "...", "event_annotation": [{"start": ms, "end": ms, "type": "..."}]}}.
 * Times are milliseconds, written as strings in the released files; plain numbers are accepted too.
 */
public final class SprSoundAnnotationFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The labels of one recording. */
    public record Contents(SprSoundRecordLabel label, List<SprSoundEvent> events) {
        public Contents {
            events = List.copyOf(events);
        }
    }

    private SprSoundAnnotationFile() {
    }

    /**
     * Reads one label file.
     *
     * @throws DatasetFormatException naming the file when it is not JSON, lacks a field, or holds an unknown label
     */
    public static Contents read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetFormatException(file, "expected a JSON object with record_annotation and event_annotation");
        }
        JsonNode record = root.get("record_annotation");
        if (record == null || !record.isTextual()) {
            throw new DatasetFormatException(file, "missing or non-text record_annotation");
        }
        SprSoundRecordLabel label;
        try {
            label = SprSoundRecordLabel.fromJson(record.asText());
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(file, e.getMessage());
        }
        JsonNode events = root.get("event_annotation");
        if (events == null || !events.isArray()) {
            throw new DatasetFormatException(file, "missing or non-array event_annotation");
        }
        List<SprSoundEvent> parsed = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            parsed.add(event(file, i, events.get(i)));
        }
        return new Contents(label, parsed);
    }

    private static SprSoundEvent event(Path file, int index, JsonNode node) throws DatasetFormatException {
        String where = "event_annotation[" + index + "]: ";
        if (!node.isObject()) {
            throw new DatasetFormatException(file, where + "expected an object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new DatasetFormatException(file, where + "missing or non-text type");
        }
        try {
            return new SprSoundEvent(millis(node, "start") / 1000.0, millis(node, "end") / 1000.0,
                    SprSoundEventType.fromJson(type.asText()));
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(file, where + e.getMessage());
        }
    }

    private static double millis(JsonNode event, String field) {
        JsonNode v = event.get(field);
        if (v != null && v.isNumber()) {
            return v.asDouble();
        }
        if (v != null && v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().strip());
            } catch (NumberFormatException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException(field + " must be a number of milliseconds, got " + v);
    }
}
