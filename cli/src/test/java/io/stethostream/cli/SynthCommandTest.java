package io.stethostream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code stethostream synth} through the real parser. */
class SynthCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Stethostream.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void writesWavAnnotationAndEventsAndSaysSo() throws IOException {
        int code = run("synth", "--out", dir.toString(), "--seconds", "4", "--kind", "crackle", "--seed", "7");
        assertEquals(ExitCodes.OK, code, err.toString());
        Path wav = dir.resolve("synth-crackle-7.wav");
        Path txt = dir.resolve("synth-crackle-7.txt");
        Path json = dir.resolve("synth-crackle-7.events.json");
        assertEquals(44 + 2 * 4 * 16000, Files.size(wav), "16-bit mono at 16 kHz");
        assertFalse(Files.readString(txt).isEmpty());
        assertTrue(Files.readString(json).contains("\"kind\" : \"crackle\""));
        String printed = out.toString();
        assertTrue(printed.contains(wav.toString()) && printed.contains(txt.toString())
                && printed.contains(json.toString()), printed);
        assertEquals("", err.toString());
    }

    @Test
    void optionalRateBreathingAndNameAreHonoured() throws IOException {
        int code = run("synth", "--out", dir.toString(), "--seconds", "2", "--kind", "WHEEZE", "--seed", "3",
                "--rate", "8000", "--breaths-per-minute", "30", "--name", "w");
        assertEquals(ExitCodes.OK, code, err.toString());
        byte[] wav = Files.readAllBytes(dir.resolve("w.wav"));
        assertEquals(44 + 2 * 2 * 8000, wav.length);
        assertEquals(8000, (wav[24] & 0xff) | (wav[25] & 0xff) << 8 | (wav[26] & 0xff) << 16);
        // At 30 breaths per minute two seconds hold about one breath.
        long cycles = Files.readAllLines(dir.resolve("w.txt")).size();
        assertTrue(cycles >= 1 && cycles <= 2, cycles + " cycles");
    }

    @Test
    void sameSeedWritesIdenticalFiles() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, run("synth", "--out", a.toString(), "--seconds", "3", "--kind", "both", "--seed", "11"));
        assertEquals(0, run("synth", "--out", b.toString(), "--seconds", "3", "--kind", "both", "--seed", "11"));
        for (String f : new String[] {"synth-both-11.wav", "synth-both-11.txt", "synth-both-11.events.json"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--seconds|0|--seconds",
            "--seconds|-2|--seconds",
            "--seconds|soon|--seconds",
            "--rate|3000|--rate",
            "--rate|50000|--rate",
            "--kind|purr|--kind",
            "--breaths-per-minute|100|--breaths-per-minute",
            "--name|sub/file|--name"})
    void badValuesFailWithUsageErrorNamingTheOption(String option, String value, String named) throws IOException {
        String[] args = {"synth", "--out", dir.toString(), "--seconds", "1", "--kind", "normal", "--seed", "1"};
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option)) {
                args[i + 1] = value;
            }
        }
        if (option.equals("--rate") || option.equals("--breaths-per-minute") || option.equals("--name")) {
            args = Stream.concat(Stream.of(args), Stream.of(option, value)).toArray(String[]::new);
        }
        int code = run(args);
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains(named), err.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing is written for bad options");
        }
    }

    @Test
    void missingRequiredOptionsAreNamed() {
        assertEquals(ExitCodes.USAGE, run("synth", "--seconds", "1", "--kind", "normal", "--seed", "1"));
        assertTrue(err.toString().contains("--out"), err.toString());
    }

    @Test
    void helpListsTheKinds() {
        assertEquals(ExitCodes.OK, run("synth", "--help"));
        assertTrue(out.toString().contains("normal, crackle, wheeze, both, poor, silence"), out.toString());
    }
}
