package io.stethostream.ingest.features;

import io.stethostream.ingest.SharedData;
import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.IcbhiAnnotationFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

/** Parity with torchaudio on real ICBHI recordings (inputs in ../shared/data, reference outputs committed). */
@Tag("shared-data")
class RealRecordingParityTest {

    @ParameterizedTest
    @CsvSource({"101_1b1_Al_sc_Meditron, 2, 5", "151_2p2_Tc_mc_AKGC417L, 0, 3",
            "160_1b2_Tc_mc_AKGC417L, 7.25, 10.25", "165_1b1_Ar_sc_Meditron, 12.5, 14"})
    void logMelOfRealSegmentsMatchesTorchaudio(String recording, String start, String end) throws IOException {
        AudioClip clip = AudioFiles.read(SharedData.icbhiAudio(recording));
        int from = (int) Math.floor(Double.parseDouble(start) * 16000);
        int to = (int) Math.floor(Double.parseDouble(end) * 16000);
        FeatureMatrix ours = new KaldiFbank(FeatureSpec.PATCH_MIX).compute(clip.samples(), from, to);
        String base = "real_" + recording + "_" + start + "_" + end;
        Golden.assertClose(Golden.matrix(base + ".npy"), ours, 1e-3, recording);
        Golden.assertClose(Golden.matrix(base + ".f64.npy"), ours, 1e-4, recording + " (float64)");
    }

    @ParameterizedTest
    @CsvSource({"101_1b1_Al_sc_Meditron, 0", "160_1b2_Tc_mc_AKGC417L, 1"})
    void wholeCyclesPreparedAsTheReferenceGiveTheSameModelInput(String recording, int index) throws IOException {
        AudioClip clip = AudioFiles.read(SharedData.icbhiAudio(recording));
        List<Cycle> cycles = IcbhiAnnotationFile.read(
                SharedData.icbhiAudio(recording).resolveSibling(recording + ".txt"));
        float[] cycle = new CyclePreparer(FeatureSpec.PATCH_MIX).prepare(clip, cycles).get(index);
        FeatureMatrix input = new FeatureExtractor(FeatureSpec.PATCH_MIX).modelInput(cycle);
        // Normalised features are the log-mel divided by 9.14: the 1e-3 log-mel bound becomes 1.1e-4 here.
        Golden.assertClose(Golden.matrix("cycle_" + recording + "_" + index + ".npy"), input, 1.1e-4, recording);
    }
}
