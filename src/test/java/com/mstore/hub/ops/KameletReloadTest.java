package com.mstore.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mstore.hub.testing.CapturedLogs;
import com.mstore.hub.testing.EditorSave;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kamelets reload in dev mode as route files do: an edited kamelet takes effect in the routes that
 * use it without a restart, and an edit that does not parse, or that the routes using it cannot
 * satisfy, is reported with its file while the last good version keeps running.
 */
class KameletReloadTest {

    private static final Duration A_COUPLE_OF_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path routes;
    @TempDir
    Path kamelets;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void anEditedKameletRebuildsTheRoutesThatUseItAndABrokenEditKeepsTheLastGoodOne() throws Exception {
        copy(Path.of("routes"), routes);
        copy(Path.of("kamelets"), kamelets);
        write(kamelets, "probe-answer-action.kamelet.yaml", probeKamelet("first"));
        Files.writeString(routes.resolve("kamelet-probe.camel.yaml"), """
                - route:
                    id: kamelet-probe
                    from:
                      uri: direct:kamelet-probe
                      steps:
                        - to:
                            uri: kamelet:probe-answer-action
                            parameters:
                              prefix: "answer"
                """);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.routes.directory", routes.toString());
        settings.put("mstore.kamelets.directory", kamelets.toString());
        settings.put("camel.main.routes-reload-enabled", "true");

        try (RunningHub hub = RunningHub.startWith(settings)) {
            assertThat(ask(hub)).isEqualTo("answer: first");

            write(kamelets, "probe-answer-action.kamelet.yaml", probeKamelet("second"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "answer: second".equals(ask(hub)));

            // a step that does not exist
            write(kamelets, "probe-answer-action.kamelet.yaml", probeKamelet("third").replace("- setBody:", "- setBodyy:"));
            awaitWarning("probe-answer-action.kamelet.yaml", "line");
            assertThat(ask(hub)).isEqualTo("answer: second");

            // a new required parameter the probe route does not give
            write(kamelets, "probe-answer-action.kamelet.yaml", probeKamelet("fourth")
                    .replace("      - prefix\n", "      - prefix\n      - suffix\n")
                    .replace("    properties:\n", """
                                properties:
                                  suffix:
                                    title: Suffix
                                    description: After the answer.
                                    type: string
                            """));
            awaitWarning("probe-answer-action.kamelet.yaml", "suffix");
            assertThat(ask(hub)).isEqualTo("answer: second");

            // a shared kamelet edited: every flow route using it is rebuilt and keeps running
            Path intake = kamelets.resolve("mstore-inbound-json-action.kamelet.yaml");
            long intakeRoutes = kameletRoutes(hub, "mstore-inbound-json-action");
            assertThat(intakeRoutes).isGreaterThanOrEqualTo(5);
            write(kamelets, intake.getFileName().toString(), Files.readString(intake).replace("        - process:\n", """
                            - setProperty:
                                name: mstoreIntakeEdited
                                constant: "true"
                            - process:
                    """));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> logs.logged("Reloaded kamelet mstore-inbound-json-action"));
            assertThat(kameletRoutes(hub, "mstore-inbound-json-action")).isEqualTo(intakeRoutes);
            assertThat(hub.context().getRouteController().getRouteStatus("device-status")).isEqualTo(ServiceStatus.Started);
            assertThat(hub.context().getRouteController().getRouteStatus("transactions-audit")).isEqualTo(ServiceStatus.Started);

            write(kamelets, "probe-answer-action.kamelet.yaml", probeKamelet("fifth"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "answer: fifth".equals(ask(hub)));
        }
    }

    private void awaitWarning(String file, String mentioning) {
        await().atMost(A_COUPLE_OF_SECONDS).until(() -> logs.warned(file, mentioning));
        logs.clear();
    }

    private static String probeKamelet(String answer) {
        return """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: probe-answer-action
                  labels:
                    camel.apache.org/kamelet.type: "action"
                spec:
                  definition:
                    title: Probe answer
                    description: Answers with a fixed word after a prefix.
                    required:
                      - prefix
                    properties:
                      prefix:
                        title: Prefix
                        description: Before the answer.
                        type: string
                  dependencies:
                    - "camel:core"
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - setBody:
                            simple: "{{prefix}}: %s"
                """.formatted(answer);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void write(Path directory, String name, String content) throws Exception {
        EditorSave.write(directory, name, content);
    }

    private static String ask(RunningHub hub) {
        try {
            return hub.context().createFluentProducerTemplate().to("direct:kamelet-probe").request(String.class);
        } catch (RuntimeException noSuchRouteYet) {
            return null;
        }
    }

    /** The routes Camel built from a kamelet, one per call site, all started. */
    private static long kameletRoutes(RunningHub hub, String kamelet) {
        return hub.context().getRoutes().stream()
                .filter(route -> route.isCreatedByKamelet() && route.getRouteId().startsWith(kamelet))
                .filter(route -> hub.context().getRouteController().getRouteStatus(route.getRouteId()).isStarted())
                .count();
    }

}
