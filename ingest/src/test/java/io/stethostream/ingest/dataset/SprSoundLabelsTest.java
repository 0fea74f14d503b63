package io.stethostream.ingest.dataset;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SprSoundLabelsTest {

    @Test
    void recordLabelsMapToClassesExceptPoorQuality() {
        assertEquals(Optional.of(RespiratoryClass.NORMAL), SprSoundRecordLabel.fromJson("Normal").respiratoryClass());
        assertEquals(Optional.of(RespiratoryClass.CRACKLE), SprSoundRecordLabel.fromJson("DAS").respiratoryClass());
        assertEquals(Optional.of(RespiratoryClass.WHEEZE), SprSoundRecordLabel.fromJson("CAS").respiratoryClass());
        assertEquals(Optional.of(RespiratoryClass.BOTH), SprSoundRecordLabel.fromJson("CAS & DAS").respiratoryClass());
        SprSoundRecordLabel poor = SprSoundRecordLabel.fromJson("Poor Quality");
        assertTrue(poor.isPoorQuality());
        assertEquals(Optional.empty(), poor.respiratoryClass());
        assertFalse(SprSoundRecordLabel.NORMAL.isPoorQuality());
        assertThrows(IllegalArgumentException.class, () -> SprSoundRecordLabel.fromJson("normal"));
    }

    @Test
    void eventTypesMapToClasses() {
        assertEquals(RespiratoryClass.NORMAL, SprSoundEventType.fromJson("Normal").respiratoryClass());
        for (String crackle : new String[]{"Fine Crackle", "Coarse Crackle"}) {
            assertEquals(RespiratoryClass.CRACKLE, SprSoundEventType.fromJson(crackle).respiratoryClass());
        }
        for (String continuous : new String[]{"Wheeze", "Rhonchi", "Stridor"}) {
            assertEquals(RespiratoryClass.WHEEZE, SprSoundEventType.fromJson(continuous).respiratoryClass());
        }
        assertEquals(RespiratoryClass.BOTH, SprSoundEventType.fromJson("Wheeze+Crackle").respiratoryClass());
        assertThrows(IllegalArgumentException.class, () -> SprSoundEventType.fromJson("Crackle"));
    }

    @Test
    void eventsBecomeCyclesWithTheMappedFlags() {
        assertEquals(new Cycle(0.5, 1.25, true, false),
                new SprSoundEvent(0.5, 1.25, SprSoundEventType.COARSE_CRACKLE).toCycle());
        assertEquals(new Cycle(0.5, 1.25, false, true), new SprSoundEvent(0.5, 1.25, SprSoundEventType.STRIDOR).toCycle());
        assertEquals(new Cycle(0.5, 1.25, true, true),
                new SprSoundEvent(0.5, 1.25, SprSoundEventType.WHEEZE_AND_CRACKLE).toCycle());
    }

    @Test
    void patientIdIsTheFirstNameField() {
        assertEquals("40490865", SprSoundRecording.patientIdOf("40490865_8.4_1_p4_1932"));
        assertThrows(IllegalArgumentException.class, () -> SprSoundRecording.patientIdOf("nounderscore"));
    }
}
