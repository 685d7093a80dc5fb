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
    /** The hub's own routes (error policy, dead-letter API, console), shipped on the class path. */
    private static final Path HUB_ROUTES = Path.of("src/main/resources/hub");
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
        yamlFiles.addAll(RouteFiles.in(HUB_ROUTES, ".camel.yaml"));
        assertThat(yamlFiles).isNotEmpty();
        List<String> problems = new ArrayList<>();
        yamlFiles.forEach(f -> problems.addAll(RouteFiles.schemaProblems(f)));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKameletFollowsTheCatalogConventionsAndItsTemplateIsValid() {
        List<Path> kamelets = RouteFiles.in(KAMELETS, ".kamelet.yaml");
        assertThat(kamelets).isNotEmpty();
        List<String> problems = new ArrayList<>();
        kamelets.forEach(k -> problems.addAll(RouteFiles.kameletProblems(k)));
        assertThat(problems).isEmpty();
    }

    @Test
    void aKameletWithAnUndocumentedOrUndeclaredParameterIsCaught(@TempDir Path dir) throws Exception {
        Path kamelet = dir.resolve("shout-action.kamelet.yaml");
        Files.writeString(kamelet, """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: shout-action
                  labels:
                    camel.apache.org/kamelet.type: "action"
                spec:
                  definition:
                    title: Shout
                    description: Upper-cases the body.
                    properties:
                      loudness:
                        type: integer
                  dependencies:
                    - "camel:core"
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - setHeader:
                            name: volume
                            constant: "{{volume}}"
                """);
        assertThat(RouteFiles.kameletProblems(kamelet)).containsExactlyInAnyOrder(
                "shout-action.kamelet.yaml: property loudness needs a title and a description",
                "shout-action.kamelet.yaml: property loudness is neither required nor given a default",
                "shout-action.kamelet.yaml: {{volume}} in the template is neither a declared property, a template bean nor a hub setting");
    }

    @Test
    void aKameletCalledWithoutARequiredParameterIsCaught(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("forgetful.camel.yaml"), """
                - route:
                    id: forgetful
                    from:
                      uri: "direct:in"
                      steps:
                        - to:
                            uri: kamelet:mstore-inbound-json-action
                            parameters:
                              schema: device-status
                """);
        assertThatThrownBy(() -> RouteFiles.loadWithoutStarting(dir, OFFLINE).stop())
                .hasStackTraceContaining("maxBytes");
    }

    @Test
    void everyRouteFileLoadsAndEveryEndpointUriIsValidForItsComponent() {
        Main main = RouteFiles.loadWithoutStarting(ROUTES, OFFLINE);
        try {
            assertThat(main.getCamelContext().getRoutes()).isNotEmpty();
            List<Path> files = new ArrayList<>(RouteFiles.in(ROUTES, ".camel.yaml"));
            files.addAll(RouteFiles.in(HUB_ROUTES, ".camel.yaml"));
            files.addAll(RouteFiles.in(KAMELETS, ".kamelet.yaml"));
            assertThat(RouteFiles.endpointProblems(main.getCamelContext(), files)).isEmpty();
        } finally {
            main.stop();
        }
    }

    @Test
    void eachRouteFileIsOneFlowNamedAfterItWithItsDeadLetterRoute() {
        Main main = RouteFiles.loadWithoutStarting(ROUTES, OFFLINE);
        try {
            assertThat(RouteFiles.flowProblems(main.getCamelContext(), ROUTES)).isEmpty();
        } finally {
            main.stop();
        }
    }

    @Test
    void aRouteOutsideItsFlowOrAFlowWithoutDeadLetterRouteIsCaught(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("shelves.camel.yaml"), """
                - route:
                    id: shelf-temperatures
                    group: shelves
                    routeConfigurationId: mstore-error-handling
                    from:
                      uri: "nats:shelves.temperature"
                      steps:
                        - log: "${body}"
                - route:
                    id: stray
                    from:
                      uri: direct:stray
                      steps:
                        - log: "stray"
                """);
        Files.writeString(dir.resolve("misnamed.camel.yaml"), """
                - route:
                    id: misnamed
                    group: doors
                    from:
                      uri: direct:doors
                      steps:
                        - log: "doors"
                """);
        Main main = RouteFiles.loadWithoutStarting(dir, OFFLINE);
        try {
            assertThat(RouteFiles.flowProblems(main.getCamelContext(), dir)).containsExactlyInAnyOrder(
                    "shelves.camel.yaml: route stray names no flow (group: shelves)",
                    "misnamed.camel.yaml: route misnamed is in flow doors, so the file is doors.camel.yaml",
                    "flow shelves dead-letters (mstore-error-handling) but has no route from direct:shelves-dead-letter");
        } finally {
            main.stop();
        }
    }

    @Test
    void theReadmesTablesNameEveryFlowFileAndKameletAndNoOther() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        assertThat(namedIn(table(readme, "| flow |"), "routes/[^`]+")).as("the README's flow table")
                .containsExactlyInAnyOrderElementsOf(fileNames(RouteFiles.in(ROUTES, ".camel.yaml"), RouteFiles.in(ROUTES, ".java")));
        assertThat(namedIn(table(readme, "| kamelet |"), "kamelets/[^`]+")).as("the README's kamelet table")
                .containsExactlyInAnyOrderElementsOf(fileNames(RouteFiles.in(KAMELETS, ".kamelet.yaml")));
    }

    /** The rows of the table whose header starts so. */
    private static List<String> table(List<String> lines, String header) {
        int start = lines.indexOf(lines.stream().filter(line -> line.startsWith(header)).findFirst()
                .orElseThrow(() -> new AssertionError("the README has no table " + header)));
        return lines.subList(start, lines.size()).stream().takeWhile(line -> line.startsWith("|")).toList();
    }

    private static java.util.Set<String> namedIn(List<String> lines, String path) {
        java.util.Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Pattern quoted = java.util.regex.Pattern.compile("`(" + path + ")`");
        lines.forEach(line -> quoted.matcher(line).results().forEach(match -> named.add(match.group(1))));
        return named;
    }

    @SafeVarargs
    private static java.util.Set<String> fileNames(List<Path>... lists) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (List<Path> files : lists) {
            files.forEach(file -> names.add(file.getParent().getFileName() + "/" + file.getFileName()));
        }
        return names;
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
                            name: replyTo
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
