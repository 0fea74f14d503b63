package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SprSoundAnnotationFileTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("40490865_8.4_1_p4_1932.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsLabelAndEventsInSeconds() throws IOException {
        var c = SprSoundAnnotationFile.read(write("{\"record_annotation\": \"CAS & DAS\", \"event_annotation\": ["
                + "{\"start\": \"361\", \"end\": \"2017\", \"type\": \"Normal\"},"
                + "{\"start\": 2614, \"end\": 3911.5, \"type\": \"Wheeze+Crackle\"}]}"));
        assertEquals(SprSoundRecordLabel.CAS_AND_DAS, c.label());
        assertEquals(List.of(new SprSoundEvent(0.361, 2.017, SprSoundEventType.NORMAL),
                new SprSoundEvent(2.614, 3.9115, SprSoundEventType.WHEEZE_AND_CRACKLE)), c.events());
    }

    @Test
    void poorQualityWithoutEvents() throws IOException {
        var c = SprSoundAnnotationFile.read(write("{\"record_annotation\": \"Poor Quality\", \"event_annotation\": []}"));
        assertTrue(c.label().isPoorQuality());
        assertTrue(c.events().isEmpty());
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        Path f = write("{\"record_annotation\": \"Normal\", \"event_annotation\": [");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundAnnotationFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON"), e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void unknownRecordLabelNamesFileAndLabel() throws IOException {
        Path f = write("{\"record_annotation\": \"Crackles\", \"event_annotation\": []}");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundAnnotationFile.read(f));
        assertEquals(f + ": unknown record_annotation 'Crackles'", e.getMessage());
    }

    @Test
    void unknownEventTypeNamesFileAndEvent() throws IOException {
        Path f = write("{\"record_annotation\": \"DAS\", \"event_annotation\": ["
                + "{\"start\": \"1\", \"end\": \"2\", \"type\": \"Normal\"}, {\"start\": \"3\", \"end\": \"4\", \"type\": \"Squawk\"}]}");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundAnnotationFile.read(f));
        assertEquals(f + ": event_annotation[1]: unknown event type 'Squawk'", e.getMessage());
    }

    @Test
    void missingFieldsAndBadTimesAreRejected() throws IOException {
        for (String json : List.of("[]", "{\"event_annotation\": []}", "{\"record_annotation\": \"Normal\"}",
                "{\"record_annotation\": \"Normal\", \"event_annotation\": [{\"start\": \"x\", \"end\": \"2\", \"type\": \"Normal\"}]}",
                "{\"record_annotation\": \"Normal\", \"event_annotation\": [{\"start\": \"5\", \"end\": \"2\", \"type\": \"Normal\"}]}",
                "{\"record_annotation\": \"Normal\", \"event_annotation\": [{\"end\": \"2\", \"type\": \"Normal\"}]}")) {
            Path f = write(json);
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SprSoundAnnotationFile.read(f),
                    json);
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        }
    }
}
