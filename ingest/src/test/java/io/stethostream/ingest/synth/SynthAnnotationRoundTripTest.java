package io.stethostream.ingest.synth;

import io.stethostream.ingest.dataset.IcbhiAnnotationFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The synthetic annotation is read back by the ICBHI reader the training code uses. */
class SynthAnnotationRoundTripTest {

    @Test
    void theIcbhiReaderReadsWhatTheGeneratorWrites(@TempDir Path dir) throws IOException {
        SyntheticRecording r = RespiratorySoundGenerator.generate(SynthParameters.of(SoundKind.BOTH, 30, 11));
        var files = SyntheticRecordingWriter.write(dir, "rt", r);
        var cycles = IcbhiAnnotationFile.read(files.annotation());
        assertEquals(r.cycles().size(), cycles.size());
        for (int i = 0; i < cycles.size(); i++) {
            assertEquals(r.cycles().get(i).start(), cycles.get(i).start(), 5e-4);
            assertEquals(r.cycles().get(i).end(), cycles.get(i).end(), 5e-4);
            assertEquals(r.cycles().get(i).label(), cycles.get(i).label());
        }
    }
}
