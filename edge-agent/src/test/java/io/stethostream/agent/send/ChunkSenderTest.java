package io.stethostream.agent.send;

import io.stethostream.agent.spool.Spool;
import io.stethostream.agent.spool.SpoolConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sender's ordering rules, with Kafka's MockProducer standing in for the broker. */
class ChunkSenderTest {

    @TempDir
    Path dir;

    private static byte[] value(long seq) {
        return ByteBuffer.allocate(8).putLong(seq).array();
    }

    private static List<Long> sequences(MockProducer<String, byte[]> p) {
        List<Long> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : p.history()) {
            out.add(ByteBuffer.wrap(r.value()).getLong());
        }
        return out;
    }

    /** A producer that refuses its {@code refuseAt}-th send at once (as when metadata does not come in time). */
    static final class RefusingProducer extends MockProducer<String, byte[]> {
        private final int refuseAt;
        private int sends;

        RefusingProducer(int refuseAt) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.refuseAt = refuseAt;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            if (sends++ == refuseAt) {
                TimeoutException e = new TimeoutException("not present in metadata after 1500 ms");
                callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }
    }

    /** A producer whose flush completes the first {@code okCount} records and fails the next, then the rest succeed. */
    static final class PartlyFailingProducer extends MockProducer<String, byte[]> {
        private final int okCount;

        PartlyFailingProducer(int okCount) {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
            this.okCount = okCount;
        }

        @Override
        public synchronized void flush() {
            for (int i = 0; i < okCount; i++) {
                completeNext();
            }
            errorNext(new TimeoutException("expired"));
            while (completeNext()) {
                // the records after the failed one succeed: the broker came back meanwhile
            }
        }
    }

    private static void runUntilReleased(ChunkSender sender, Spool spool, long released) throws Exception {
        Thread t = new Thread(sender, "test-sender");
        t.start();
        long end = System.nanoTime() + 20_000_000_000L;
        while (spool.releasedUpTo() < released && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        sender.stop(Duration.ofSeconds(1));
        t.join(5000);
        assertEquals(released, spool.releasedUpTo());
    }

    @Test
    void aRefusedRecordEndsTheWindowSoNothingOvertakesIt() throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.ofMaxBytes(1 << 20))) {
            for (long q = 0; q < 10; q++) {
                spool.append(q, value(q));
            }
            List<MockProducer<String, byte[]>> made = new ArrayList<>();
            ChunkSender sender = new ChunkSender(spool, "t", "dev", () -> {
                MockProducer<String, byte[]> p = made.isEmpty() ? new RefusingProducer(3)
                        : new MockProducer<>(true, null, new StringSerializer(),
                                new ByteArraySerializer());
                made.add(p);
                return p;
            });
            runUntilReleased(sender, spool, 10);
            assertEquals(List.of(0L, 1L, 2L), sequences(made.get(0)), "nothing after the refused record was sent");
            assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), sequences(made.get(1)));
            assertEquals(10, sender.stats().sentChunks());
            assertEquals(1, sender.stats().failedWindows());
            assertTrue(sender.stats().lastError().contains("not present in metadata"));
            assertTrue(made.get(0).closed(), "a failed producer is replaced");
        }
    }

    @Test
    void onlyTheSuccessfulPrefixOfAWindowIsReleasedAndTheRestIsResent() throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.ofMaxBytes(1 << 20))) {
            for (long q = 0; q < 6; q++) {
                spool.append(q, value(q));
            }
            List<MockProducer<String, byte[]>> made = new ArrayList<>();
            ChunkSender sender = new ChunkSender(spool, "t", "dev", () -> {
                MockProducer<String, byte[]> p = made.isEmpty() ? new PartlyFailingProducer(2)
                        : new MockProducer<>(true, null, new StringSerializer(),
                                new ByteArraySerializer());
                made.add(p);
                return p;
            });
            runUntilReleased(sender, spool, 6);
            // Records 3..5 reached the "broker" after 2 failed: they are sent again after 2, the at-least-once corner
            // that the stream's de-duplication by sequence number absorbs.
            assertEquals(List.of(2L, 3L, 4L, 5L), sequences(made.get(1)), "resent from the first failed record");
            assertEquals(2 + 4, sender.stats().sentChunks());
        }
    }
}
