package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcbhiRecordingNameTest {

    @Test
    void parsesAllFields() {
        IcbhiRecordingName n = IcbhiRecordingName.parse("226_1b1_Pl_sc_LittC2SE").orElseThrow();
        assertEquals(new IcbhiRecordingName("226_1b1_Pl_sc_LittC2SE", 226, "1b1", "Pl", "sc", "LittC2SE"), n);
        assertEquals("226_1b1_Pl_sc", n.withoutDevice());
    }

    @Test
    void parsesTracheaAndMultichannel() {
        IcbhiRecordingName n = IcbhiRecordingName.parse("107_3p2_Tc_mc_AKGC417L").orElseThrow();
        assertEquals(107, n.patientId());
        assertEquals("3p2", n.recordingIndex());
        assertEquals("Tc", n.chestLocation());
        assertEquals("mc", n.acquisitionMode());
        assertEquals("AKGC417L", n.device());
    }

    @Test
    void rejectsOtherFileNames() {
        for (String name : new String[]{"ICBHI_challenge_train_test", "filename_format", "demographic_info",
                "101_1b1_Al_sc", "101_1b1_Xx_sc_Meditron", "101_1b1_Al_zz_Meditron", "README"}) {
            assertTrue(IcbhiRecordingName.parse(name).isEmpty(), name);
        }
    }
}
