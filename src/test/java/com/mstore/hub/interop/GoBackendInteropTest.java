package com.mstore.hub.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The hub against the Go backend's own client libraries (nats.go, streadway/amqp,
 * paho.mqtt.golang, kafka-go, go-redis, as Debian packages them): src/test/go's program marshals the
 * backend's tagless structs (PascalCase names, time.Time with nanoseconds) and drives every flow of
 * a running hub. A transaction is audited and its receipt mailed, an order created and reserved on
 * two connections is fetched with order.get as stock_reserved with its creation's fields, an email
 * job is mailed, a device status registered and a cache key invalidated.
 */
class GoBackendInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path GO_SOURCES = Path.of("src/test/go");
    private static final Path BUILD = Path.of("target/go");

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void theGoBackendsClientsDriveEveryFlow() throws Exception {
        Path program = buildGoProgram();
        long branch = 600_000 + (long) (Math.random() * 90_000);
        Map<String, String> settings = TestBrokers.hubSettings();
        try (GreenMailSmtp smtp = GreenMailSmtp.start(Ports.free());
             KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            settings.put("mstore.smtp.port", String.valueOf(smtp.port()));
            try (RunningHub hub = RunningHub.startWith(settings)) {
                // kafka-go's writer fails at once on a topic the broker has not finished creating:
                // the hub's consumer has it created, and may still be at it when the hub is ready
                await().atMost(PATIENCE).until(() -> kafka.hasTopic(settings.get("mstore.transactions.topic")));
                Instant started = Instant.now();
                Path output = Files.createTempFile("go-backend-", ".out");
                Path errors = Files.createTempFile("go-backend-", ".err");
                ProcessBuilder backend = new ProcessBuilder(program.toAbsolutePath().toString())
                        .redirectOutput(output.toFile()).redirectError(errors.toFile());
                backend.environment().putAll(Map.ofEntries(
                        Map.entry("MSTORE_RUN", run),
                        Map.entry("MSTORE_BRANCH", String.valueOf(branch)),
                        Map.entry("KAFKA_BROKERS", settings.get("mstore.kafka.brokers")),
                        Map.entry("KAFKA_TOPIC", settings.get("mstore.transactions.topic")),
                        Map.entry("NATS_URL", settings.get("mstore.nats.servers")),
                        Map.entry("CREATED_SUBJECT", settings.get("mstore.orders.created-subject")),
                        Map.entry("RESERVED_SUBJECT", settings.get("mstore.orders.reserved-subject")),
                        Map.entry("ORDER_GET_SUBJECT", settings.get("mstore.orders.request-subject")),
                        Map.entry("AMQP_URL", settings.get("mstore.rabbitmq.addresses")),
                        Map.entry("EMAIL_QUEUE", settings.get("mstore.emails.queue")),
                        Map.entry("MQTT_URL", settings.get("mstore.mqtt.server-uri")),
                        Map.entry("REDIS_ADDR", settings.get("mstore.redis.host") + ":" + settings.get("mstore.redis.port")),
                        Map.entry("CACHE_CHANNEL", settings.get("mstore.cache-invalidation.invalidate-channel"))));
                Process process = backend.start();
                assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the Go backend finished").isTrue();
                assertThat(process.exitValue()).as(Files.readString(errors)).isZero();

                // order.get, as the Go client read it: the reservation and the creation's fields
                List<String> lines = Files.readAllLines(output);
                JsonNode order = JSON.readTree(lines.get(lines.size() - 1));
                assertThat(order.path("orderId").asText()).isEqualTo("ORD-GO-" + run);
                assertThat(order.path("status").asText()).isEqualTo("stock_reserved");
                assertThat(order.path("total").asLong()).isEqualTo(30000);
                assertThat(order.path("branchId").asLong()).isEqualTo(branch);
                assertThat(order.path("items").get(0).path("productId").asLong()).isEqualTo(5);
                assertThat(order.path("reservations").get(0).path("quantity").asInt()).isEqualTo(2);
                // Go's time.Time keeps its nanoseconds through the read model
                assertThat(Instant.parse(order.path("updatedAt").asText())).isAfter(started.minusSeconds(5));

                await().atMost(PATIENCE).until(() -> kafka.readAll(settings.get("mstore.transactions.audit-topic")).stream()
                        .map(ConsumerRecord::key).anyMatch(("TRX-GO-" + run)::equals));
                JsonNode audit = JSON.readTree(kafka.readAll(settings.get("mstore.transactions.audit-topic")).get(0).value());
                assertThat(audit.toString()).contains("TRX-GO-" + run).contains("125000");

                await().atMost(PATIENCE).until(() -> recipients(smtp).containsAll(
                        List.of("job-go-" + run + "@example.com", "go-" + run + "@example.com")));
                assertThat(recipients(smtp)).as("each mailed once").hasSize(2);

                await().atMost(PATIENCE).until(() -> redis.exists("mstore:device:POS-GO-" + run));
                assertThat(redis.hget("mstore:device:POS-GO-" + run, "batteryLevel")).isEqualTo("81");
                assertThat(redis.hget("mstore:device:POS-GO-" + run, "online")).isEqualTo("true");

                await().atMost(PATIENCE).until(() -> !redis.exists("cache:product:go-" + run));
            }
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(settings.get("mstore.emails.queue"));
                rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
            }
        }
    }

    /** go build in GOPATH mode: the program's sources plus Debian's packaged libraries, nothing downloaded. */
    private static Path buildGoProgram() throws Exception {
        Files.createDirectories(BUILD);
        Path program = BUILD.resolve("mstore-backend");
        Path log = BUILD.resolve("build.log");
        ProcessBuilder build = new ProcessBuilder("go", "build", "-o", program.toAbsolutePath().toString(), "mstore/backend")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("GOPATH", GO_SOURCES.toAbsolutePath() + ":/usr/share/gocode");
        build.environment().put("GO111MODULE", "off");
        build.environment().put("GOFLAGS", "");
        build.environment().put("GOCACHE", BUILD.resolve("cache").toAbsolutePath().toString());
        build.environment().put("GOPROXY", "off");
        Process process = build.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("go build finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        return program;
    }

    private static List<String> recipients(GreenMailSmtp smtp) {
        return Arrays.stream(smtp.mailbox().getReceivedMessages()).map(GoBackendInteropTest::recipient).toList();
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
