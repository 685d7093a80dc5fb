package com.mstore.hub.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.CapturedLogs;
import com.mstore.hub.testing.EditorSave;
import com.mstore.hub.testing.HeadlessChromium;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.ReadmeFiles;
import com.mstore.hub.testing.RedisSubscriber;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import redis.clients.jedis.Jedis;

/**
 * A flow is its files: a route file and a schema written into a running hub's directories (as in
 * make run, routes reloading) add a flow no Java knows of, from NATS, RabbitMQ or MQTT 5. Each appears
 * in /api/flows and in the console, does its work once per message, keeps its poison messages as its
 * dead letters with their reason and source, replays a fixed one through the flow, carries its name
 * in its metrics, and goes away with its route file.
 */
class FlowsAsFilesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path files;
    @TempDir
    Path browserProfile;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private Path routes;
    private Path schemas;
    private RunningHub hub;
    private Jedis redis;

    @BeforeEach
    void startHubOnCopiesOfTheFiles() throws Exception {
        for (String directory : List.of("routes", "kamelets", "schemas", "templates")) {
            Path copy = Files.createDirectories(files.resolve(directory));
            try (var each = Files.list(Path.of(directory))) {
                for (Path file : each.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            settings.put("mstore." + directory + ".directory", copy.toString());
        }
        routes = files.resolve("routes");
        schemas = files.resolve("schemas");
        settings.put("camel.main.routes-reload-enabled", "true");
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        redis.close();
    }

    @Test
    void theReadmesLowStockFlowFromNatsTellsTheBranchOnceAndKeepsItsDeadLetters() throws Exception {
        String subject = "inventory.low-stock-" + run;
        settings.put("mstore.low-stock.subject", subject);
        settings.put("mstore.low-stock.dlq-subject", subject + ".dlq");
        hub = RunningHub.startWith(settings);
        int branch = ThreadLocalRandom.current().nextInt(100_000, 900_000_000);
        List<String> users = List.of(String.valueOf(branch) + "1", String.valueOf(branch) + "2");
        redis.sadd("mstore:branch:" + branch + ":users", users.toArray(String[]::new));
        try (Connection nats = Nats.connect(settings.get("mstore.nats.servers"));
             RedisSubscriber first = subscriber("user:" + users.get(0) + ":notifications");
             RedisSubscriber second = subscriber("user:" + users.get(1) + ":notifications")) {
            addFlow(ReadmeFiles.of(Path.of("README.md"), "## Add a flow"));
            awaitFlow("low-stock", "nats:" + subject);

            String report = "{\"branchId\": " + branch + ", \"productId\": 5, \"quantity\": 2, \"reportedAt\": \"2026-12-07T10:00:00Z\"}";
            nats.publish(subject, report.getBytes(StandardCharsets.UTF_8));
            nats.publish(subject, report.getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).until(() -> first.messages().size() >= 1 && second.messages().size() >= 1);
            JsonNode told = JSON.readTree(first.messages().get(0));
            assertThat(told.get("userId").asText()).isEqualTo(users.get(0));
            assertThat(told.get("message").asText()).isEqualTo("Low stock: product 5, 2 left");
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"low-stock\"") == 1);

            nats.publish(subject, ("{\"branchId\": \"seven\", \"productId\": 6, \"quantity\": 1, \"reportedAt\": \"2026-12-07T11:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8));
            JsonNode deadLetter = awaitDeadLetters("low-stock", 1);
            assertThat(deadLetter.get("reason").asText()).isEqualTo("invalid-payload");
            assertThat(deadLetter.get("source").get("subject").asText()).isEqualTo(subject);
            assertThat(deadLetter.get("replayedTo").asText()).isEqualTo("nats:" + subject);
            assertThat(flow("low-stock").get("failed").asInt()).as("dead-lettered messages count as failed").isEqualTo(1);

            replayFixed(deadLetter, "\"seven\"", String.valueOf(branch));
            await().atMost(PATIENCE).until(() -> first.messages().size() == 2 && second.messages().size() == 2);
            assertThat(JSON.readTree(second.messages().get(1)).get("message").asText()).isEqualTo("Low stock: product 6, 1 left");
            replayFixed(deadLetter, "\"seven\"", String.valueOf(branch));
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"low-stock\"") == 2);
            assertThat(first.messages()).hasSize(2);
            assertThat(second.messages()).hasSize(2);

            assertThat(hub.metric("camel_exchanges_succeeded_total", "flow=\"low-stock\"", "routeId=\"low-stock\"")).isGreaterThanOrEqualTo(4);
            assertThat(hub.metric("mstore_dead_letters_total", "flow=\"low-stock\"", "reason=\"invalid-payload\"")).isEqualTo(1);
            shownInTheConsole("low-stock");

            removeFlow("low-stock.camel.yaml", "low-stock");
        } finally {
            redis.del("mstore:branch:" + branch + ":users");
        }
    }

    @Test
    void aReturnsFlowFromRabbitMqAddsEachReturnOnceAndKeepsItsDeadLetters() throws Exception {
        String queue = "returns-" + run;
        settings.put("mstore.returns.queue", queue);
        settings.put("mstore.returns.dlq", queue + ".dlq");
        hub = RunningHub.startWith(settings);
        int branch = ThreadLocalRandom.current().nextInt(100_000, 900_000_000);
        String returns = "mstore:returns:" + branch;
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            addFlow(flowFiles("returns"));
            awaitFlow("returns", "rabbitmq:" + queue);

            String good = "{\"returnId\": \"R-" + run + "-1\", \"branchId\": " + branch + ", \"productId\": 5}";
            rabbit.publish(queue, good, 0);
            rabbit.publish(queue, good, 0);
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"returns\"") == 1);
            assertThat(redis.lrange(returns, 0, -1)).containsExactly("R-" + run + "-1");

            rabbit.publish(queue, "{\"returnId\": \"R-" + run + "-2\", \"branchId\": " + branch + ", \"productId\": \"five\"}", 0);
            JsonNode deadLetter = awaitDeadLetters("returns", 1);
            assertThat(deadLetter.get("reason").asText()).isEqualTo("invalid-payload");
            assertThat(deadLetter.get("source").get("queue").asText()).isEqualTo(queue);
            await().atMost(PATIENCE).until(() -> rabbit.ready(queue + ".dlq") == 1);

            replayFixed(deadLetter, "\"five\"", "6");
            await().atMost(PATIENCE).until(() -> redis.llen(returns) == 2);
            replayFixed(deadLetter, "\"five\"", "6");
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"returns\"") == 2);
            assertThat(redis.lrange(returns, 0, -1)).containsExactly("R-" + run + "-1", "R-" + run + "-2");
            assertThat(hub.metric("camel_exchanges_succeeded_total", "flow=\"returns\"", "routeId=\"returns\"")).isGreaterThanOrEqualTo(4);

            removeFlow("returns.camel.yaml", "returns");
            rabbit.deleteQueue(queue);
            rabbit.deleteQueue(queue + ".dlq");
        } finally {
            redis.del(returns);
        }
    }

    @Test
    void aShelfTemperatureFlowFromMqttAddsEachReadingOnceAndKeepsItsDeadLetters() throws Exception {
        String prefix = "shelves-" + run;
        settings.put("mstore.shelves.topic", prefix + "/+/temperature");
        settings.put("mstore.shelves.dlq-topic", prefix + "/dlq");
        hub = RunningHub.startWith(settings);
        String shelf = "S-" + run;
        String readings = "mstore:shelf:" + shelf + ":readings";
        try (MqttTestClient mqtt = new MqttTestClient(settings.get("mstore.mqtt.server-uri"))) {
            mqtt.subscribe(prefix + "/dlq");
            addFlow(flowFiles("shelves"));
            awaitFlow("shelves", "mqtt:" + prefix + "/+/temperature");

            String topic = prefix + "/" + shelf + "/temperature";
            String good = "{\"shelfId\": \"" + shelf + "\", \"celsius\": 4.5, \"measuredAt\": \"2026-12-07T10:00:00Z\"}";
            mqtt.publish(topic, good);
            mqtt.publish(topic, good);
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"shelves\"") == 1);
            assertThat(redis.lrange(readings, 0, -1)).containsExactly("4.5@2026-12-07T10:00:00Z");

            mqtt.publish(topic, "{\"shelfId\": \"" + shelf + "\", \"celsius\": 400, \"measuredAt\": \"2026-12-07T10:01:00Z\"}");
            JsonNode deadLetter = awaitDeadLetters("shelves", 1);
            assertThat(deadLetter.get("reason").asText()).isEqualTo("invalid-payload");
            assertThat(deadLetter.get("source").get("topic").asText()).isEqualTo(topic);
            await().atMost(PATIENCE).until(() -> mqtt.received().stream().anyMatch(m -> m.topic().equals(prefix + "/dlq")));
            assertThat(mqtt.received().get(0).userProperty("mstore-flow")).isEqualTo("shelves");

            replayFixed(deadLetter, "400", "5");
            await().atMost(PATIENCE).until(() -> redis.llen(readings) == 2);
            replayFixed(deadLetter, "400", "5");
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"shelves\"") == 2);
            assertThat(redis.lrange(readings, 0, -1)).containsExactly("4.5@2026-12-07T10:00:00Z", "5@2026-12-07T10:01:00Z");
            assertThat(hub.metric("camel_exchanges_succeeded_total", "flow=\"shelves\"", "routeId=\"shelf-temperatures\"")).isGreaterThanOrEqualTo(4);

            removeFlow("shelves.camel.yaml", "shelves");
        } finally {
            redis.del(readings);
        }
    }

    @Test
    void anEditedSchemaChangesWhatTheIntakeTakesAndABrokenOneKeepsTheLastGood() throws Exception {
        hub = RunningHub.startWith(settings);
        String channel = settings.get("mstore.cache-invalidation.invalidate-channel");
        String key = "cache:schema-edit:" + run;
        String invalidation = "{\"key\": \"" + key + "\", \"timestamp\": 1764324000}";
        redis.set(key, "cached");
        redis.publish(channel, invalidation);
        await().atMost(PATIENCE).until(() -> !redis.exists(key));

        // the same invalidation is now refused: keys may be 5 characters at most
        Path schema = schemas.resolve("cache-invalidation.schema.json");
        String original = Files.readString(schema);
        String keyOf512 = "\"key\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 512}";
        assertThat(original).contains(keyOf512);
        EditorSave.write(schemas, "cache-invalidation.schema.json", original.replace(keyOf512, keyOf512.replace("512", "5")));
        await().atMost(PATIENCE).until(() -> logs.logged("Schema cache-invalidation reloaded"));
        redis.set(key, "cached");
        redis.publish(channel, invalidation);
        JsonNode refused = awaitDeadLetters("cache-invalidation", 1);
        assertThat(refused.get("reason").asText()).isEqualTo("invalid-payload");
        assertThat(refused.get("message").asText()).contains("field key:");
        assertThat(redis.exists(key)).isTrue();

        // a broken edit is reported with its file and line, and the last good schema stays
        EditorSave.write(schemas, "cache-invalidation.schema.json", original.replaceFirst("\"type\"", "\"type\" \"broken\""));
        await().atMost(PATIENCE).until(() -> logs.warned("cache-invalidation.schema.json", "line"));
        // another message (the same one again within the broadcast window would be the same dead letter)
        redis.publish(channel, invalidation.replace("1764324000", "1764324001"));
        awaitDeadLetters("cache-invalidation", 2);
        assertThat(redis.exists(key)).isTrue();

        EditorSave.write(schemas, "cache-invalidation.schema.json", original);
        await().atMost(PATIENCE).until(() -> logs.events().stream().filter(e -> e.getFormattedMessage()
                .startsWith("Schema cache-invalidation reloaded")).count() == 2);
        redis.publish(channel, invalidation);
        await().atMost(PATIENCE).until(() -> !redis.exists(key));
    }

    @Test
    void aFlowWithNoRouteForItsDeadLettersIsShownDownInHealthUntilItHasOne() throws Exception {
        settings.put("mstore.returns.queue", "returns-" + run);
        settings.put("mstore.returns.dlq", "returns-" + run + ".dlq");
        hub = RunningHub.startWith(settings);
        Map<String, String> returns = flowFiles("returns");
        String route = returns.get("routes/returns.camel.yaml");
        returns.put("routes/returns.camel.yaml", route.substring(0, route.indexOf("- route:\n    id: returns-dead-letter")));
        addFlow(returns);
        awaitFlow("returns", "rabbitmq:returns-" + run);
        await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 503);
        assertThat(hub.get("/observe/health").body()).contains("returns: no route takes its dead letters (direct:returns-dead-letter)");

        addFlow(Map.of("routes/returns.camel.yaml", route));
        await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 200);
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            removeFlow("returns.camel.yaml", "returns");
            rabbit.deleteQueue("returns-" + run);
            rabbit.deleteQueue("returns-" + run + ".dlq");
        }
    }

    private void addFlow(Map<String, String> flowFiles) throws Exception {
        assertThat(flowFiles).isNotEmpty();
        // the schemas first: a route whose schema is missing does not load
        for (Map.Entry<String, String> file : flowFiles.entrySet().stream().sorted((a, b) -> a.getKey().startsWith("schemas/") ? -1 : 1).toList()) {
            Path target = files.resolve(file.getKey());
            EditorSave.write(target.getParent(), target.getFileName().toString(), file.getValue());
        }
    }

    private static Map<String, String> flowFiles(String flow) throws Exception {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        try (var each = Files.list(Path.of("src/test/resources/flows", flow))) {
            for (Path file : each.toList()) {
                String name = file.getFileName().toString();
                found.put((name.endsWith(".schema.json") ? "schemas/" : "routes/") + name, Files.readString(file));
            }
        }
        return found;
    }

    private void awaitFlow(String flow, String reads) throws Exception {
        await().atMost(PATIENCE).until(() -> {
            JsonNode listed = flow(flow);
            return listed != null && listed.get("health").asText().equals("UP")
                    && listed.get("sources").findValuesAsText("address").stream().anyMatch(address -> reads.endsWith(":" + address));
        });
        assertThat(flow(flow).get("sources").get(0).get("broker").asText()).isEqualTo(reads.substring(0, reads.indexOf(':')));
    }

    private void removeFlow(String routeFile, String flow) throws Exception {
        Files.delete(routes.resolve(routeFile));
        await().atMost(PATIENCE).until(() -> flow(flow) == null);
        assertThat(hub.get("/api/dead-letters?flow=" + flow).statusCode()).isEqualTo(400);
    }

    private JsonNode flow(String flow) throws Exception {
        for (JsonNode listed : JSON.readTree(hub.get("/api/flows").body()).get("flows")) {
            if (listed.get("flow").asText().equals(flow)) {
                return listed;
            }
        }
        return null;
    }

    private List<JsonNode> deadLetters(String flow) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(hub.get("/api/dead-letters?flow=" + flow).body()).get("items").forEach(items::add);
        return items;
    }

    /** The newest of the flow's dead letters, once it has this many. */
    private JsonNode awaitDeadLetters(String flow, int count) throws Exception {
        await().atMost(PATIENCE).until(() -> deadLetters(flow).size() == count);
        return deadLetters(flow).get(0);
    }

    /** Replays the dead letter with one value of its body corrected. */
    private void replayFixed(JsonNode deadLetter, String wrong, String right) throws Exception {
        String fixed = deadLetter.get("body").asText().replace(wrong, right);
        var replayed = hub.post("/api/dead-letters/" + deadLetter.get("id").asText() + "/replay",
                JSON.createObjectNode().put("body", fixed).toString());
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
    }

    private RedisSubscriber subscriber(String channel) {
        return new RedisSubscriber(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")), channel);
    }

    /** The console lists the flow in its flow table and its dead-letter filter, from what the hub loaded. */
    private void shownInTheConsole(String flow) {
        WebDriver browser = HeadlessChromium.start(browserProfile);
        try {
            browser.get("http://localhost:" + hub.httpPort() + "/console");
            browser.findElement(By.id("api-key")).sendKeys(RunningHub.TEST_API_KEY);
            browser.findElement(By.id("api-key-save")).click();
            await().atMost(PATIENCE).until(() -> !browser.findElements(By.cssSelector("#flows tr[data-flow='" + flow + "']")).isEmpty());
            assertThat(browser.findElement(By.cssSelector("#flows tr[data-flow='" + flow + "']")).getText()).contains(flow).contains("UP");
            await().atMost(PATIENCE).until(() -> !browser.findElements(By.cssSelector("#filter-flow option[value='" + flow + "']")).isEmpty());
        } finally {
            browser.quit();
        }
    }
}
