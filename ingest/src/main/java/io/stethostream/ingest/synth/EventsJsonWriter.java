package io.stethostream.ingest.synth;

import io.stethostream.ingest.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stethostream.ingest.dataset.Cycle;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the fine-grained ground truth of a synthetic recording as JSON: the parameters that reproduce it, its
 * cycles, and every event with its type, times in seconds and characteristic frequency.
 *
 * <pre>{@code
 * {"source": "...", "kind": "crackle", "seed": 7, "sampleRate": 16000, "breathsPerMinute": 18.0,
 *  "seconds": 10.0, "samples": 160000,
 *  "cycles": [{"start": 0.0, "end": 3.21, "crackles": true, "wheezes": false}, ...],
 *  "events": [{"type": "fine_crackle", "start": 0.912, "end": 0.917, "frequencyHz": 640.2}, ...]}
 * }</pre>
 */
public final class EventsJsonWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EventsJsonWriter() {
    }

    /** The JSON document as a tree. */
    public static ObjectNode toJson(SyntheticRecording r) {
        SynthParameters p = r.parameters();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("source", r.clip().source());
        root.put("kind", p.kind().label());
        root.put("seed", p.seed());
        root.put("sampleRate", r.clip().sampleRate());
        root.put("breathsPerMinute", p.breathsPerMinute());
        root.put("seconds", r.clip().durationSeconds());
        root.put("samples", r.clip().length());
        ArrayNode cycles = root.putArray("cycles");
        for (Cycle c : r.cycles()) {
            cycles.addObject().put("start", c.start()).put("end", c.end())
                    .put("crackles", c.crackles()).put("wheezes", c.wheezes());
        }
        ArrayNode events = root.putArray("events");
        for (SyntheticEvent e : r.events()) {
            events.addObject().put("type", e.type().label()).put("start", e.start()).put("end", e.end())
                    .put("frequencyHz", e.frequencyHz());
        }
        return root;
    }

    /** The JSON text, indented. */
    public static String format(SyntheticRecording r) {
        try {
            return MAPPER.writeValueAsString(toJson(r)) + "\n";
        } catch (IOException e) {
            // A tree of plain numbers and strings always serialises; failing here is a bug.
            throw new IllegalStateException("cannot serialise events", e);
        }
    }

    /** Writes the JSON atomically. */
    public static void write(Path path, SyntheticRecording r) throws IOException {
        AtomicFiles.writeString(path, format(r));
    }
}
