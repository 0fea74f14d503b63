package io.stethostream.streams.dashboard;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.records.Times;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The dashboard of one instance: the state it follows from the topics ({@link WardState}, {@link ReleaseBoard}
 * through {@link DashboardFeed}), the pages it pushes to ({@link DashboardHub}), the features of the windows this
 * instance inferred ({@link RecentSpectrograms}) and acknowledgements, which it writes to
 * {@code stethoscope.alert-acks} and shows once they are read back (so every page, on every instance, shows the same).
 */
public final class Dashboard implements AutoCloseable {

    /** How much prediction history a page gets, and how many windows per device the strip keeps. */
    public static final Duration HISTORY = Duration.ofMinutes(5);
    public static final int HISTORY_POINTS = 150;
    public static final int MAX_USER_CHARS = 64;

    /** Why an acknowledgement was not written. */
    public static final class AckException extends Exception {
        private final int status;

        AckException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status for the page: 400 bad input, 404 unknown alert, 503 Kafka did not take it. */
        public int status() {
            return status;
        }
    }

    private final WardState ward = new WardState(HISTORY_POINTS);
    private final ReleaseBoard releases = new ReleaseBoard();
    private final RecentSpectrograms spectrograms = new RecentSpectrograms(4);
    private final DashboardFeed feed;
    private final DashboardHub hub;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param client   Kafka client properties of this instance (bootstrap servers, security)
     * @param instance this instance's id, shown on the page
     */
    public Dashboard(Properties client, String instance) {
        this.hub = new DashboardHub(ward, releases, instance, 500, 64);
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.feed = new DashboardFeed(client, ward, releases, HISTORY).start();
    }

    public WardState ward() {
        return ward;
    }

    public ReleaseBoard releases() {
        return releases;
    }

    public DashboardHub hub() {
        return hub;
    }

    public DashboardFeed feed() {
        return feed;
    }

    public RecentSpectrograms spectrograms() {
        return spectrograms;
    }

    /**
     * Writes an acknowledgement of a known alert and waits until Kafka has it. The page shows it when the feed reads
     * it back. Acknowledging an alert twice returns the first acknowledgement and writes nothing.
     *
     * @param user          who (the authenticated user, or the name the page sent when there are no credentials)
     * @param authenticated whether {@code user} was authenticated
     */
    public AlertAck acknowledge(String alertId, String user, boolean authenticated) throws AckException {
        if (alertId == null || alertId.isBlank()) {
            throw new AckException(400, "no alertId given");
        }
        String who = user == null ? "" : user.strip();
        if (who.isEmpty() || who.length() > MAX_USER_CHARS || who.chars().anyMatch(Character::isISOControl)) {
            throw new AckException(400, "user must be 1 to " + MAX_USER_CHARS + " printable characters");
        }
        Optional<AlertAck> done = ward.ack(alertId);
        if (done.isPresent()) {
            return done.get();
        }
        WardState.FeedItem alert = ward.alert(alertId).orElseThrow(() ->
                new AckException(404, "unknown alert " + alertId + " (not among the " + WardState.MAX_FEED
                        + " most recent alert changes)"));
        AlertAck ack = new AlertAck(alertId, alert.device(), alert.kind(), who, authenticated,
                Times.isoMillis(System.currentTimeMillis()));
        try {
            producer.send(new ProducerRecord<>(Topics.ALERT_ACKS, alertId,
                    DashboardFeed.ACKS.serializer().serialize(Topics.ALERT_ACKS, ack))).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AckException(503, "Kafka did not take the acknowledgement: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AckException(503, "interrupted");
        }
        return ack;
    }

    @Override
    public void close() {
        hub.close();
        feed.close();
        producer.close(Duration.ofSeconds(5));
    }
}
