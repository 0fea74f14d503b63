package io.stethostream.ingest.features;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureSpecTest {

    @Test
    void referenceValuesDeriveTheReferenceShapes() {
        FeatureSpec s = FeatureSpec.PATCH_MIX;
        assertEquals(400, s.frameLength());
        assertEquals(160, s.frameShift());
        assertEquals(512, s.fftSize());
        assertEquals(8000.0, s.resolvedHighFreq());
        assertEquals(128_000, s.windowSamples());
        assertEquals(32_000, s.hopSamples());
        assertEquals(1000, s.fadeSamples());
        assertEquals(798, s.framesFor(128_000));
        assertEquals(0, s.framesFor(399));
        assertEquals(1, s.framesFor(400));
        assertEquals(1, s.framesFor(559));
        assertEquals(2, s.framesFor(560));
        FeatureSpec four = s.withWindowSeconds(4.0);
        assertEquals(398, four.targetFrames());
        assertEquals(64_000, four.windowSamples());
        assertEquals(s, four.withWindowSeconds(8.0));
    }

    @Test
    void jsonRoundTripsAndNamesEveryField() {
        String json = FeatureSpec.PATCH_MIX.toJson();
        for (String field : new String[] {"sampleRate", "frameLengthMs", "frameShiftMs", "melBins", "lowFreq",
                "highFreq", "normMean", "normStd", "targetFrames", "windowSeconds", "hopSeconds", "window"}) {
            assertTrue(json.contains("\"" + field + "\""), field);
        }
        assertEquals(FeatureSpec.PATCH_MIX, FeatureSpec.fromJson(json));
        FeatureSpec other = FeatureSpec.PATCH_MIX.withHopSeconds(0.5);
        assertEquals(other, FeatureSpec.fromJson(other.toJson()));
    }

    @Test
    void invalidJsonIsRefusedWithTheFieldNamed() {
        String json = FeatureSpec.PATCH_MIX.toJson();
        var bad = assertThrows(IllegalArgumentException.class,
                () -> FeatureSpec.fromJson(json.replace("\"melBins\":128", "\"melBins\":0")));
        assertTrue(bad.getMessage().contains("melBins"), bad.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> FeatureSpec.fromJson(json.replace("\"normStd\":4.5689974,", "")));
        assertTrue(missing.getMessage().contains("normStd"), missing.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> FeatureSpec.fromJson(json.replace("{", "{\"dither\":1.0,")));
        assertTrue(unknown.getMessage().contains("dither"), unknown.getMessage());
        var window = assertThrows(IllegalArgumentException.class,
                () -> FeatureSpec.fromJson(json.replace("hanning", "povey")));
        assertTrue(window.getMessage().contains("window"), window.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FeatureSpec.fromJson("not json"));
    }
}
