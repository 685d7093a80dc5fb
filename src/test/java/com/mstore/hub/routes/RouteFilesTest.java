package com.mstore.hub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route and kamelet files people edit are checked at build time, so a typo fails make test. */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Path KAMELETS = Path.of("kamelets");
    /** Addresses where nothing listens: loading route files must not depend on (or touch) a broker. */
    private static final Map<String, String> OFFLINE = offlineSettings();

    private static Map<String, String> offlineSettings() {
        int nowhere = com.mstore.hub.testing.FreePorts.one();
        return Map.of(
                "mstore.kafka.brokers", "localhost:" + nowhere,
                "mstore.nats.servers", "nats://localhost:" + nowhere,
                "mstore.rabbitmq.addresses", "amqp://guest:guest@localhost:" + nowhere + "/",
                "mstore.mqtt.server-uri", "tcp://localhost:" + nowhere,
                "mstore.redis.port", String.valueOf(nowhere),
                "mstore.smtp.port", String.valueOf(nowhere));
    }

    @Test
    void everyYamlRouteAndKameletFileConformsToTheYamlDslSchema() {
        List<Path> yamlFiles = new ArrayList<>(RouteFiles.in(ROUTES, ".camel.yaml"));
        assertThat(yamlFiles).isNotEmpty();
        List<String> problems = new ArrayList<>();
        yamlFiles.forEach(f -> problems.addAll(RouteFiles.schemaProblems(f)));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRouteFileLoadsAndEveryEndpointUriIsValidForItsComponent() {
        Main main = RouteFiles.loadWithoutStarting(ROUTES, OFFLINE);
        try {
            assertThat(main.getCamelContext().getRoutes()).isNotEmpty();
            List<Path> files = new ArrayList<>(RouteFiles.in(ROUTES, ".camel.yaml"));
            files.addAll(RouteFiles.in(KAMELETS, ".kamelet.yaml"));
            assertThat(RouteFiles.endpointProblems(main.getCamelContext(), files)).isEmpty();
        } finally {
            main.stop();
        }
    }

    @Test
    void aTypoInAnEndpointOptionIsCaught(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.camel.yaml");
        Files.writeString(file, """
                - route:
                    id: typo
                    from:
                      uri: "kafka:somewhere"
                      parameters:
                        groupIdd: oops
                      steps:
                        - to: direct:next
                """);
        assertThat(RouteFiles.schemaProblems(file)).isEmpty(); // the schema cannot know kafka's options
        assertThatThrownBy(() -> RouteFiles.loadWithoutStarting(dir, OFFLINE).stop())
                .hasStackTraceContaining("groupIdd");
    }

    @Test
    void aMisspelledStepIsCaughtByTheSchema(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("step.camel.yaml");
        Files.writeString(file, """
                - route:
                    id: step
                    from:
                      uri: "direct:in"
                      steps:
                        - too: direct:next
                """);
        assertThat(RouteFiles.schemaProblems(file)).isNotEmpty();
    }

    @Test
    void aBadOptionInAUriNamedOnlyInAStringIsCaughtByTheCatalog(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dead-letter.camel.yaml");
        Files.writeString(file, """
                - route:
                    id: dead-letter-target
                    from:
                      uri: "direct:in"
                      steps:
                        - setProperty:
                            name: mstoreDeadLetterUri
                            constant: "spring-rabbitmq:default?routingKeyy=emails.dlq"
                """);
        Main main = RouteFiles.loadWithoutStarting(dir, OFFLINE);
        try {
            assertThat(RouteFiles.endpointProblems(main.getCamelContext(), List.of(file)))
                    .anyMatch(problem -> problem.contains("routingKeyy"));
        } finally {
            main.stop();
        }
    }
}
