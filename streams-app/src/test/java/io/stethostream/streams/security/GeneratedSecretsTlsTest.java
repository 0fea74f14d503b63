package io.stethostream.streams.security;

import io.stethostream.protocol.Topics;
import io.stethostream.streams.app.TopicSetup;
import io.stethostream.streams.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code docker/generate-secrets.sh} writes, used as compose uses it, on the embedded broker: the broker's
 * security settings from {@code docker/kafka/server.properties} (CLIENT listener: SASL_SSL, SCRAM-SHA-512,
 * StandardAuthorizer) plus the generated keystore; clients with the generated per-role properties files (PEM
 * truststore, host name verification on). Only the addresses and file locations are rewritten for this machine.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GeneratedSecretsTlsTest {

    private static final Path DOCKER = Path.of("../docker");

    @TempDir
    Path dir;

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void generatedCertificatesAndClientSettingsWorkOverSaslSsl() throws Exception {
        assumeTrue(onPath("openssl") && onPath("keytool") && onPath("bash"), "needs openssl, keytool and bash");
        Path secrets = dir.resolve("secrets");
        Process gen = new ProcessBuilder("bash", DOCKER.resolve("generate-secrets.sh").toString(), "--out",
                secrets.toString()).redirectErrorStream(true).start();
        String genOut = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS), "generate-secrets.sh hangs");
        assertEquals(0, gen.exitValue(), genOut);

        // The broker: compose's security settings for the CLIENT listener, and the generated keystore.
        Map<String, String> extra = new HashMap<>();
        Properties server = load(DOCKER.resolve("kafka/server.properties"));
        for (String k : server.stringPropertyNames()) {
            if (k.startsWith("sasl.") || k.startsWith("ssl.") || k.startsWith("listener.name.client.")
                    || k.equals("authorizer.class.name") || k.equals("allow.everyone.if.no.acl.found")
                    || k.equals("super.users")) {
                extra.put(k, server.getProperty(k));
            }
        }
        Properties keystore = load(secrets.resolve("broker/broker-secret.properties"));
        for (String k : keystore.stringPropertyNames()) {
            extra.put(k, keystore.getProperty(k));
        }
        assertEquals("/etc/kafka/stethostream/broker.p12", extra.get("ssl.keystore.location")); // compose's mount
        extra.put("ssl.keystore.location", secrets.resolve("broker/broker.p12").toString());
        assertEquals("false", extra.get("allow.everyone.if.no.acl.found"));

        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("broker"), 0, extra)) {
            broker.addListener("CLIENT", "SASL_SSL");
            broker.start();
            String bootstrap = broker.bootstrapServers("CLIENT");

            // Users as kafka-init creates them (admin's at format time in compose; here over the loopback listener).
            Properties users = load(secrets.resolve("init/users.properties"));
            users.setProperty("admin", Files.readString(secrets.resolve("broker/admin.password")).strip());
            Properties plain = new Properties();
            plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin admin = Admin.create(plain)) {
                List<UserScramCredentialAlteration> ups = new ArrayList<>();
                for (String u : users.stringPropertyNames()) {
                    ups.add(new UserScramCredentialUpsertion(u,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), users.getProperty(u)));
                }
                admin.alterUserScramCredentials(ups).all().get(30, TimeUnit.SECONDS);
            }

            // kafka-init's work with the generated admin settings: topics and the ACLs of acls.txt.
            Properties admin = client(secrets, "init/admin.properties", bootstrap, secrets.resolve("init/ca.crt"));
            awaitLogin(admin);
            try (Admin a = Admin.create(admin)) {
                a.createTopics(TopicSetup.topics(2, (short) 1)).all().get(30, TimeUnit.SECONDS);
                a.createAcls(SecurityIntegrationTest.acls()).all().get(30, TimeUnit.SECONDS);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (a.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).size()
                        < SecurityIntegrationTest.acls().size() && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
            }

            // The agent's generated settings: it writes audio, and nothing else.
            Properties agent = client(secrets, "clients/agent/client.properties", bootstrap,
                    secrets.resolve("clients/agent/ca.crt"));
            awaitLogin(agent);
            RecordMetadata m = send(agent, Topics.AUDIO);
            assertEquals(Topics.AUDIO, m.topic());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> send(agent, Topics.MODELS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause());

            // Another role's password is not the agent's.
            Properties wrong = (Properties) agent.clone();
            String ops = load(secrets.resolve("clients/ops/client.properties")).getProperty("sasl.jaas.config");
            wrong.setProperty("sasl.jaas.config", ops.replace("username=\"ops\"", "username=\"agent\""));
            try (Admin a = Admin.create(wrong)) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> a.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            }

            // A client that does not trust the generated CA (the JDK's default truststore) fails the handshake.
            Properties untrusting = (Properties) agent.clone();
            untrusting.remove("ssl.truststore.type");
            untrusting.remove("ssl.truststore.location");
            try (Admin a = Admin.create(untrusting)) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> a.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
                assertInstanceOf(SslAuthenticationException.class, e.getCause());
            }
        }
    }

    /** A generated client properties file, pointed at this broker and at the CA file where it lies here. */
    private static Properties client(Path secrets, String file, String bootstrap, Path ca) throws IOException {
        Properties p = load(secrets.resolve(file));
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("https", p.getProperty("ssl.endpoint.identification.algorithm"));
        assertEquals("kafka:9093", p.getProperty("bootstrap.servers"));
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap); // localhost: in the certificate
        p.setProperty("ssl.truststore.location", ca.toString());
        p.setProperty(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        p.setProperty(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    private static void awaitLogin(Properties p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static RecordMetadata send(Properties client, String topic) throws Exception {
        Properties p = (Properties) client.clone();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            return producer.send(new ProducerRecord<>(topic, "tls-1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {1, 2, 3})).get(20, TimeUnit.SECONDS);
        }
    }
}
