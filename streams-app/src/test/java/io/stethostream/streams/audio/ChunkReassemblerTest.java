package io.stethostream.streams.audio;

import io.stethostream.streams.audio.ChunkReassembler.Piece;
import io.stethostream.streams.audio.ChunkReassembler.Released;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkReassemblerTest {

    private static Piece p(long seq) {
        return new Piece(seq, seq * 250_000, 16000, new float[4000]);
    }

    private static List<Long> seqs(List<Released> r) {
        List<Long> out = new ArrayList<>();
        r.forEach(x -> out.add(x.piece().sequence()));
        return out;
    }

    @Test
    void reordersWithinTheBufferAndDropsDuplicates() {
        ChunkReassembler r = new ChunkReassembler(4);
        assertEquals(List.of(10L), seqs(r.offer(p(10))));
        assertTrue(r.offer(p(12)).isEmpty());
        assertTrue(r.isDuplicate(12));
        assertTrue(r.offer(p(12)).isEmpty()); // duplicate of a waiting one
        assertEquals(List.of(11L, 12L), seqs(r.offer(p(11))));
        assertTrue(r.isDuplicate(11));
        assertTrue(r.isDuplicate(3)); // older than the stream
        assertEquals(13, r.expected());
    }

    @Test
    void aFullBufferGivesUpOnTheMissingChunkAndReportsTheGap() {
        ChunkReassembler r = new ChunkReassembler(2);
        r.offer(p(0));
        assertTrue(r.offer(p(2)).isEmpty());
        assertTrue(r.offer(p(3)).isEmpty());
        List<Released> out = r.offer(p(4)); // three waiting > capacity 2: 1 is lost
        assertEquals(List.of(2L, 3L, 4L), seqs(out));
        assertEquals(1, out.get(0).skipped());
        assertEquals(0, out.get(1).skipped());
        assertTrue(r.offer(p(1)).isEmpty()); // too late now
        assertEquals(5, r.expected());
    }

    @Test
    void restoredStateKeepsWaitingPieces() {
        ChunkReassembler r = new ChunkReassembler(4);
        r.offer(p(0));
        r.offer(p(2));
        ChunkReassembler back = new ChunkReassembler(4, r.expected(), r.waiting());
        assertEquals(List.of(1L, 2L), seqs(back.offer(p(1))));
    }
}
