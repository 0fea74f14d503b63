package io.stethostream.streams.security;

import io.stethostream.ingest.synth.SoundKind;
import io.stethostream.protocol.AudioChunk;
import io.stethostream.protocol.AudioChunkCodec;
import io.stethostream.protocol.Topics;
import io.stethostream.streams.app.AppConfig;
import io.stethostream.streams.app.MonitoringService;
import io.stethostream.streams.app.TopicSetup;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import io.stethostream.streams.records.WindowPrediction;
import io.stethostream.streams.testing.TestAudio;
import io.stethostream.streams.topology.MonitoringConfig;
import io.stethostream.streams.topology.StreamTopics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security model of {@code docker/compose.yaml} on the real embedded broker: SASL (SCRAM-SHA-512) on the client
 * listener, StandardAuthorizer with {@code allow.everyone.if.no.acl.found=false}, and exactly the ACLs of
 * {@code docker/kafka/acls.txt}, which the compose set-up applies with kafka-acls.sh. TLS is left out here
 * (SASL_PLAINTEXT instead of SASL_SSL): authentication and authorization are the same, only the transport differs.
 * <p>
 * As in compose, the controller and the inter-broker listener are PLAINTEXT on the loopback interface, where the
 * principal is User:ANONYMOUS, which must then be a super user; clients use only the SASL listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SecurityIntegrationTest {

    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final Path ACLS = Path.of("../docker/kafka/acls.txt");
    private static final Path MODEL = Path.of("src/test/fixtures/ast-tiny-d4-8s-2026.11.26.onnx");
    private static final List<String> USERS = List.of("admin", "agent", "monitor", "ops", "console", "viewer");

    @TempDir
    static Path dir;

    private EmbeddedKafkaBroker broker;
    private String sasl;
    private final Map<String, String> passwords = new HashMap<>();

    /**
     * SCRAM credentials, like ACLs, reach the broker through the metadata log after the call that sets them returns:
     * wait until every user can authenticate (an authorization refusal is a successful authentication).
     */
    private void awaitScramCredentials() throws Exception {
        for (String u : USERS) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Admin admin = Admin.create(client(u))) {
                    admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException)) {
                        break; // authenticated, refused something else
                    }
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    @BeforeAll
    void startSecuredBroker() throws Exception {
        Map<String, String> extra = new HashMap<>();
        extra.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        extra.put("allow.everyone.if.no.acl.found", "false");
        extra.put("super.users", "User:admin;User:ANONYMOUS");
        extra.put("sasl.enabled.mechanisms", MECHANISM);
        extra.put("listener.name.sasl." + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        broker = new EmbeddedKafkaBroker(dir.resolve("broker"), 0, extra);
        broker.addListener("SASL", "SASL_PLAINTEXT");
        broker.start();
        sasl = broker.bootstrapServers("SASL");

        // Bootstrap as kafka-init does: users, topics, ACLs. SCRAM users are created over the loopback PLAINTEXT
        // listener (ANONYMOUS, super user); compose instead formats the storage with the admin credential.
        for (String u : USERS) {
            passwords.put(u, "pw-" + u + "-" + Long.toHexString(System.nanoTime()));
        }
        Properties plain = new Properties();
        plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(plain)) {
            List<UserScramCredentialUpsertion> ups = new ArrayList<>();
            for (String u : USERS) {
                ups.add(new UserScramCredentialUpsertion(u,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), passwords.get(u)));
            }
            admin.alterUserScramCredentials(new ArrayList<>(ups)).all().get(30, TimeUnit.SECONDS);
        }
        awaitScramCredentials();
        // Everything else as the admin principal over SASL, as kafka-init does.
        try (Admin admin = Admin.create(client("admin"))) {
            admin.createTopics(TopicSetup.topics(2, (short) 1)).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls()).all().get(30, TimeUnit.SECONDS);
            // ACLs reach the authorizer through the metadata log: wait until the broker reports all of them.
            Set<AclBinding> want = Set.copyOf(acls());
            Set<AclBinding> have = Set.of();
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                 !have.equals(want) && System.nanoTime() < end; Thread.sleep(100)) {
                have = Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS));
            }
            assertEquals(want, have);
        }
        // SCRAM credentials propagate through the metadata log: wait until every user can log in.
        for (String u : USERS) {
            awaitLogin(u);
        }
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** The ACL table of docker/kafka/acls.txt, parsed. */
    static List<AclBinding> acls() throws Exception {
        List<AclBinding> out = new ArrayList<>();
        for (String line : Files.readAllLines(ACLS)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            assertEquals(5, f.length, "bad ACL line: " + line);
            AclOperation op = AclOperation.fromString(f[1].toUpperCase(Locale.ROOT));
            assertFalse(op == AclOperation.UNKNOWN, "unknown operation in " + line);
            ResourceType type = ResourceType.fromString(f[2].toUpperCase(Locale.ROOT).replace('-', '_'));
            assertFalse(type == ResourceType.UNKNOWN, "unknown resource type in " + line);
            PatternType pattern = PatternType.fromString(f[3].toUpperCase(Locale.ROOT));
            assertFalse(pattern == PatternType.UNKNOWN, "unknown pattern type in " + line);
            out.add(new AclBinding(new ResourcePattern(type, f[4], pattern),
                    new AccessControlEntry(f[0], "*", op, AclPermissionType.ALLOW)));
        }
        return out;
    }

    /** Client settings for a principal, as generate-secrets.sh writes them (without TLS). */
    private Properties client(String user) {
        return client(user, passwords.get(user));
    }

    private Properties client(String user, String password) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, sasl);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    private void awaitLogin(String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Admin admin = Admin.create(client(user))) {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer(Properties p) {
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // as the agent and the release tool
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Properties p) {
        p.remove(ConsumerConfig.GROUP_ID_CONFIG); // like `alerts --follow`: assign, no group
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Reads a topic from the start (partitions 0 and 1, as created) until {@code min} records or the timeout. */
    private List<ConsumerRecord<byte[], byte[]>> read(String user, String topic, int min, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(client(user))) {
            int partitions = topic.equals(Topics.MODELS) ? 1 : 2;
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + timeout.toNanos();
            do {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            } while (out.size() < min && System.nanoTime() < deadline);
        }
        return out;
    }

    private static void assertRefusedRead(Runnable r) {
        TopicAuthorizationException e = assertThrows(TopicAuthorizationException.class, r::run);
        assertFalse(e.unauthorizedTopics().isEmpty());
    }

    private void assertRefusedWrite(String user, String topic) {
        try (KafkaProducer<byte[], byte[]> p = producer(client(user))) {
            Exception e = assertThrows(Exception.class, () -> p.send(new ProducerRecord<>(topic,
                    "k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3})).get(15, TimeUnit.SECONDS));
            // An idempotent producer may be refused its producer id before the write itself: the authorization
            // error then arrives wrapped in the producer's error state.
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof AuthorizationException)) {
                cause = cause.getCause();
            }
            assertInstanceOf(AuthorizationException.class, cause, user + " writing " + topic + ": " + e);
        }
    }

    private static List<byte[]> audioChunks(String device, double seconds) {
        float[] x = TestAudio.synth(SoundKind.NORMAL, seconds, 16000, 7);
        List<byte[]> out = new ArrayList<>();
        for (AudioChunk c : TestAudio.chunks(device, x, 16000, 0.25, 0, TestAudio.T0)) {
            out.add(AudioChunkCodec.encode(c));
        }
        return out;
    }

    private void produceAudio(String user, String device, List<byte[]> chunks) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(client(user))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (byte[] c : chunks) {
                sent.add(p.send(new ProducerRecord<>(Topics.AUDIO, device.getBytes(StandardCharsets.UTF_8), c)));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(15, TimeUnit.SECONDS); // a refused write would throw here
            }
        }
    }

    @Test
    @Order(1)
    void wrongPasswordIsRefused() {
        Properties bad = client("agent", "not-the-password");
        try (Admin admin = Admin.create(bad)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
        try (KafkaProducer<byte[], byte[]> p = producer(client("nobody", "whatever"))) {
            Exception e = assertThrows(Exception.class, () -> p.send(new ProducerRecord<>(Topics.AUDIO,
                    new byte[] {1})).get(15, TimeUnit.SECONDS));
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            assertInstanceOf(SaslAuthenticationException.class, cause, e.toString());
        }
    }

    @Test
    @Order(2)
    void clientWithoutSaslIsRefused() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sasl); // plaintext client on the SASL listener
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(p)) {
            // The broker closes the connection at the first request that is not part of the SASL exchange.
            assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    @Order(3)
    void agentWritesAudioButCannotReadAlertsOrWriteModels() throws Exception {
        produceAudio("agent", "acl-probe", audioChunks("acl-probe", 0.5));
        assertRefusedRead(() -> read("agent", Topics.ALERTS, 1, Duration.ofSeconds(5)));
        assertRefusedRead(() -> read("agent", Topics.AUDIO, 1, Duration.ofSeconds(5)));
        assertRefusedWrite("agent", Topics.MODELS);
        assertRefusedWrite("agent", Topics.ALERTS);
        try (Admin admin = Admin.create(client("agent"))) {
            // Only what it may describe is listed.
            assertEquals(Set.of(Topics.AUDIO), admin.listTopics().names().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Order(4)
    void consoleReadsAlertsOnlyAndOpsTheModelsTopicOnly() {
        assertTrue(read("console", Topics.ALERTS, 1, Duration.ofMillis(500)).isEmpty()); // allowed, nothing yet
        assertRefusedRead(() -> read("console", Topics.PREDICTIONS, 1, Duration.ofSeconds(5)));
        assertRefusedRead(() -> read("console", Topics.AUDIO, 1, Duration.ofSeconds(5)));
        assertRefusedWrite("console", Topics.ALERTS);
        assertRefusedWrite("console", Topics.AUDIO);

        read("ops", Topics.MODELS, 0, Duration.ofMillis(500)); // allowed
        assertRefusedRead(() -> read("ops", Topics.AUDIO, 1, Duration.ofSeconds(5)));
        assertRefusedWrite("ops", Topics.AUDIO);
        assertRefusedWrite("viewer", Topics.MODELS);
    }

    @Test
    @Order(5)
    void monitoringApplicationWorksEndToEndUnderItsAcls() throws Exception {
        // The app's client properties file, as generate-secrets.sh writes it (SASL_SSL there, SASL_PLAINTEXT here).
        Path props = dir.resolve("monitor.properties");
        StringBuilder s = new StringBuilder();
        client("monitor").forEach((k, v) -> {
            if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                s.append(k).append('=').append(v.toString().replace("\\", "\\\\")).append('\n');
            }
        });
        s.append("commit.interval.ms=200\n");
        Files.writeString(props, s);
        Path state = dir.resolve("app");
        String device = "secure-1";
        try (MonitoringService service = MonitoringService.start(new MonitoringService.Options(sasl, props, state, 0,
                MODEL, 1, AppConfig.defaults(null, state).withHttpPort(-1), MonitoringConfig.defaults()))) {
            assertTrue(service.app().awaitRunning(Duration.ofSeconds(60)), "not running: " + service.app().state());

            produceAudio("agent", device, audioChunks(device, 10.5)); // 8 s windows every 2 s: at 0 and 2 s
            List<WindowPrediction> ps = read("viewer", Topics.PREDICTIONS, 1, Duration.ofSeconds(45)).stream()
                    .map(r -> StreamTopics.PREDICTION.deserializer().deserialize("t", r.value()))
                    .filter(p -> p.device().equals(device))
                    .toList();
            assertFalse(ps.isEmpty(), "no prediction for " + device);
            assertTrue(ps.stream().allMatch(WindowPrediction::inferred), ps.toString());

            // The release the app published on start is on the models topic, readable by the release tool.
            Set<String> keys = read("ops", Topics.MODELS, 1, Duration.ofSeconds(10)).stream()
                    .map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
            assertFalse(keys.isEmpty(), "nothing on " + Topics.MODELS);
        }
    }
}
