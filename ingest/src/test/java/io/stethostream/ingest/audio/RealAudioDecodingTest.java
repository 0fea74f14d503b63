package io.stethostream.ingest.audio;

import io.stethostream.ingest.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoders on the real files of ../shared/data, including the originals kept as WAV for this purpose. */
@Tag("shared-data")
class RealAudioDecodingTest {

    private static Path icbhiWav(String name) {
        return SharedData.root().resolve("icbhi/original-wav").resolve(name + ".wav");
    }

    @ParameterizedTest
    @ValueSource(strings = {"104_1b1_Al_sc_Litt3200", "223_1b1_Al_sc_Meditron"})
    void flacCopiesOfLowRateRecordingsAreBitExact(String name) throws IOException {
        AudioClip wav = AudioFiles.read(icbhiWav(name));
        AudioClip flac = AudioFiles.read(SharedData.icbhiAudio(name));
        assertEquals(wav.sampleRate(), flac.sampleRate());
        assertArrayEquals(wav.samples(), flac.samples());
    }

    @ParameterizedTest
    @ValueSource(strings = {"40069321_15.3_0_p1_981", "40069321_15.3_0_p2_982", "40069321_15.3_0_p3_983"})
    void sprSoundWavWithBlockAlignFourEqualsItsFlac(String name) throws IOException {
        Path root = SharedData.root().resolve("sprsound");
        AudioClip wav = AudioFiles.read(root.resolve("original-wav").resolve(name + ".wav"));
        AudioClip flac = AudioFiles.read(root.resolve("train_classification_wav").resolve(name + ".flac"));
        assertEquals(8000, wav.sampleRate());
        assertArrayEquals(flac.samples(), wav.samples());
    }

    /**
     * The 44.1 kHz originals (16-, 24- and 32-bit) resampled here match the shared 16 kHz copies, which another
     * high-quality resampler made: the two filters differ only near 8 kHz, where lung sounds carry little energy.
     */
    @ParameterizedTest
    @CsvSource({"101_1b1_Al_sc_Meditron", "101_1b1_Pr_sc_Meditron", "102_1b1_Ar_sc_Meditron"})
    void highRateOriginalsResampleToTheSharedCopies(String name) throws IOException {
        AudioClip original = AudioFiles.read(icbhiWav(name));
        assertEquals(44100, original.sampleRate());
        AudioClip ours = Resampling.resample(original, 16000);
        AudioClip theirs = AudioFiles.read(SharedData.icbhiAudio(name));
        assertEquals(theirs.length(), ours.length(), 1);
        double signal = 0;
        double error = 0;
        for (int i = 1000; i < Math.min(ours.length(), theirs.length()) - 1000; i++) {
            signal += theirs.samples()[i] * (double) theirs.samples()[i];
            double d = ours.samples()[i] - theirs.samples()[i];
            error += d * d;
        }
        double snr = 10 * Math.log10(signal / error);
        assertTrue(snr > 30, name + ": SNR " + snr + " dB between our resampling and the shared copy");
    }
}
