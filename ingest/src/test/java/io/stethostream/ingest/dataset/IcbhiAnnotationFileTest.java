package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcbhiAnnotationFileTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("101_1b1_Al_sc_Meditron.txt");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void readsTabSeparatedCycles() throws IOException {
        List<Cycle> cycles = IcbhiAnnotationFile.read(write("0.036\t0.579\t0\t0\n0.579\t2.45\t1\t0\n2.45\t3.893\t0\t1\n"));
        assertEquals(List.of(new Cycle(0.036, 0.579, false, false), new Cycle(0.579, 2.45, true, false),
                new Cycle(2.45, 3.893, false, true)), cycles);
    }

    @Test
    void toleratesCrlfSpacesMixedSeparatorsAndBlankLines() throws IOException {
        List<Cycle> cycles = IcbhiAnnotationFile.read(write("0.1 0.9 1 1\r\n\r\n  0.9\t 1.5  0\t0 \r\n"));
        assertEquals(List.of(new Cycle(0.1, 0.9, true, true), new Cycle(0.9, 1.5, false, false)), cycles);
    }

    @Test
    void emptyFileHasNoCycles() throws IOException {
        assertTrue(IcbhiAnnotationFile.read(write("")).isEmpty());
    }

    @Test
    void wrongFieldCountNamesFileAndLine() throws IOException {
        Path f = write("0.1\t0.9\t0\t0\n0.9\t1.5\t0\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiAnnotationFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
        assertEquals(2, e.line().orElseThrow());
        assertEquals(f, e.file());
    }

    @Test
    void nonNumericTimeNamesFileAndLine() throws IOException {
        Path f = write("0.1\t0.9\t0\t0\r\n0.9\tabc\t0\t0\r\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiAnnotationFile.read(f));
        assertTrue(e.getMessage().contains(f + ":2: end is not a number"), e.getMessage());
    }

    @Test
    void flagOtherThanZeroOrOneIsRejected() throws IOException {
        Path f = write("0.1\t0.9\t2\t0\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiAnnotationFile.read(f));
        assertTrue(e.getMessage().contains(":1: crackles must be 0 or 1"), e.getMessage());
    }

    @Test
    void cycleEndingBeforeItStartsIsRejectedWithLine() throws IOException {
        Path f = write("0.1\t0.9\t0\t0\n\n1.5\t0.9\t0\t0\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IcbhiAnnotationFile.read(f));
        assertEquals(3, e.line().orElseThrow());
    }
}
