package io.stethostream.ingest.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stethostream.ingest.dataset.Cycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthWritersTest {

    @TempDir
    Path dir;

    @Test
    void annotationIsTabSeparatedWithThreeDecimalsAndFlags() {
        String text = IcbhiAnnotationWriter.format(List.of(new Cycle(0, 1.25, true, false),
                new Cycle(1.25, 2.5004, false, true), new Cycle(2.5004, 3.1, true, true)));
        assertEquals("0.000\t1.250\t1\t0\n1.250\t2.500\t0\t1\n2.500\t3.100\t1\t1\n", text);
        assertEquals("", IcbhiAnnotationWriter.format(List.of()));
    }

    @Test
    void writesWavAnnotationAndEventsThatReadBack() throws IOException {
        SyntheticRecording r = RespiratorySoundGenerator.generate(
                SynthParameters.of(SoundKind.BOTH, 7.5, 3).withSampleRate(8000));
        SyntheticRecordingWriter.WrittenFiles files = SyntheticRecordingWriter.write(dir, "rec-1", r);

        assertEquals(dir.resolve("rec-1.wav"), files.wav());
        assertEquals(dir.resolve("rec-1.txt"), files.annotation());
        assertEquals(dir.resolve("rec-1.events.json"), files.events());
        try (Stream<Path> listing = Files.list(dir)) {
            assertEquals(3, listing.count(), "no temporary files are left behind");
        }

        float[] decoded = readPcm16Mono(files.wav(), 8000);
        float[] original = r.clip().samples();
        assertEquals(original.length, decoded.length);
        for (int i = 0; i < original.length; i++) {
            assertEquals(original[i], decoded[i], 1.0 / 32767 + 1e-6, "sample " + i);
        }

        List<Cycle> parsed = parseAnnotation(files.annotation());
        assertEquals(r.cycles().size(), parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            Cycle want = r.cycles().get(i);
            Cycle got = parsed.get(i);
            assertEquals(want.start(), got.start(), 5e-4);
            assertEquals(want.end(), got.end(), 5e-4);
            assertEquals(want.crackles(), got.crackles());
            assertEquals(want.wheezes(), got.wheezes());
        }

        JsonNode json = new ObjectMapper().readTree(files.events().toFile());
        assertEquals("both", json.get("kind").asText());
        assertEquals(3, json.get("seed").asLong());
        assertEquals(8000, json.get("sampleRate").asInt());
        assertEquals(60000, json.get("samples").asInt());
        assertEquals(r.cycles().size(), json.get("cycles").size());
        assertEquals(r.events().size(), json.get("events").size());
        for (int i = 0; i < r.events().size(); i++) {
            SyntheticEvent e = r.events().get(i);
            JsonNode n = json.get("events").get(i);
            assertEquals(e.type().label(), n.get("type").asText());
            assertEquals(e.start(), n.get("start").asDouble(), 0.0);
            assertEquals(e.end(), n.get("end").asDouble(), 0.0);
            assertEquals(e.frequencyHz(), n.get("frequencyHz").asDouble(), 0.0);
        }
    }

    @Test
    void silenceWritesAnEmptyAnnotation() throws IOException {
        SyntheticRecording r = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.SILENCE, 1, 1));
        SyntheticRecordingWriter.WrittenFiles files = SyntheticRecordingWriter.write(dir, "quiet", r);
        assertEquals("", Files.readString(files.annotation()));
        assertEquals(16000, readPcm16Mono(files.wav(), 16000).length);
    }

    @Test
    void rejectsABaseNameWithAFolder() {
        SyntheticRecording r = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.NORMAL, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticRecordingWriter.write(dir, "a/b", r));
        assertThrows(IllegalArgumentException.class, () -> SyntheticRecordingWriter.write(dir, "..", r));
        assertThrows(IllegalArgumentException.class, () -> SyntheticRecordingWriter.write(dir, " ", r));
    }

    /** Reads the canonical 44-byte-header WAV that WavWriter writes, checking the header on the way. */
    static float[] readPcm16Mono(Path wav, int expectedRate) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", ascii(b, 0));
        assertEquals("WAVE", ascii(b, 8));
        assertEquals("fmt ", ascii(b, 12));
        assertEquals(1, b.getShort(20), "PCM");
        assertEquals(1, b.getShort(22), "mono");
        assertEquals(expectedRate, b.getInt(24));
        assertEquals(16, b.getShort(34), "bits");
        assertEquals("data", ascii(b, 36));
        int bytes = b.getInt(40);
        float[] x = new float[bytes / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort(44 + 2 * i) / 32767f;
        }
        return x;
    }

    private static String ascii(ByteBuffer b, int at) {
        byte[] four = new byte[4];
        b.get(at, four);
        return new String(four, StandardCharsets.US_ASCII);
    }

    static List<Cycle> parseAnnotation(Path txt) throws IOException {
        List<Cycle> cycles = new ArrayList<>();
        for (String line : Files.readAllLines(txt)) {
            String[] f = line.split("\t");
            assertEquals(4, f.length, "four tab-separated fields: " + line);
            assertTrue(f[0].matches("\\d+\\.\\d{3}") && f[1].matches("\\d+\\.\\d{3}"), "three decimals: " + line);
            assertTrue(f[2].matches("[01]") && f[3].matches("[01]"), "0/1 flags: " + line);
            cycles.add(new Cycle(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[2].equals("1"),
                    f[3].equals("1")));
        }
        return cycles;
    }
}
