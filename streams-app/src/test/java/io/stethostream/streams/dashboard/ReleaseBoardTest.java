package io.stethostream.streams.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stethostream.streams.models.DesiredModel;
import io.stethostream.streams.models.ModelRelease;
import io.stethostream.streams.models.ModelStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model panel from models-topic records: releases, each instance's outcome, what each instance serves. */
class ReleaseBoardTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private static byte[] json(Object o) throws IOException {
        return JSON.writeValueAsBytes(o);
    }

    @Test
    void aRedeployShowsAsANewReleaseWithEachInstancesOutcome() throws IOException {
        ReleaseBoard board = new ReleaseBoard();
        board.apply("chunk/" + A + "/0", new byte[] {1, 2, 3}); // model bytes: not the panel's business
        assertFalse(board.drainChanged());
        board.apply("release/" + A, json(new ModelRelease(A, 10, 1, "ast", "v1", Instant.parse("2026-01-01T00:00:00Z"), "ops@h")));
        board.apply("desired", json(new DesiredModel(A, "deploy", Instant.parse("2026-01-01T00:00:01Z"), List.of())));
        board.apply("status/i1", json(new ModelStatus("i1", A, "v1", "accepted", null, A, Instant.parse("2026-01-01T00:00:02Z"))));
        board.apply("release/" + B, json(new ModelRelease(B, 10, 1, "ast", "v2", Instant.parse("2026-01-02T00:00:00Z"), "ops@h")));
        board.apply("desired", json(new DesiredModel(B, "deploy", Instant.parse("2026-01-02T00:00:01Z"), List.of(A))));
        board.apply("status/i1", json(new ModelStatus("i1", B, "v2", "accepted", null, B, Instant.parse("2026-01-02T00:00:02Z"))));
        board.apply("status/i2", json(new ModelStatus("i2", B, "v2", "refused", "feature spec differs", A, Instant.parse("2026-01-02T00:00:03Z"))));
        assertTrue(board.drainChanged());
        assertFalse(board.drainChanged(), "once per change");

        ReleaseBoard.Panel p = board.panel();
        assertEquals(B, p.desired().sha256());
        assertEquals(List.of("v2", "v1"), p.releases().stream().map(ReleaseBoard.Release::modelVersion).toList());
        assertEquals(List.of("accepted", "refused"), p.releases().get(0).outcomes().stream()
                .map(ReleaseBoard.Outcome::outcome).toList());
        assertEquals("feature spec differs", p.releases().get(0).outcomes().get(1).reason());
        assertEquals(2, p.instances().size());
        assertEquals("v2", p.instances().get(0).servingVersion());
        assertEquals("v1", p.instances().get(1).servingVersion(), "the refusing instance keeps serving the old one");
    }

    @Test
    void anUnreadableRecordIsAnErrorForTheFeedToSkip() {
        ReleaseBoard board = new ReleaseBoard();
        assertThrows(IOException.class, () -> board.apply("release/x", "{not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> board.apply("status/i1", "{}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(board.drainChanged());
    }
}
