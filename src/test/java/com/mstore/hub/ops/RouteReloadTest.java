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
 * Dev mode's route reloading, as {@code make run} has it on: the hub watches a copy of routes/,
 * a new or edited file takes effect without a restart, and a broken edit is reported with its
 * file and line while the last good routes keep running.
 */
class RouteReloadTest {

    private static final Duration A_COUPLE_OF_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path routes;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void aNewOrEditedRouteFileTakesEffectAndABrokenEditKeepsTheLastGoodRoutes() throws Exception {
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.routes.directory", routes.toString());
        settings.put("camel.main.routes-reload-enabled", "true");

        try (RunningHub hub = RunningHub.startWith(settings)) {
            write("reload-probe.camel.yaml", probeRoute("first"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "first".equals(ask(hub, "direct:reload-probe")));

            write("reload-probe.camel.yaml", probeRoute("second"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "second".equals(ask(hub, "direct:reload-probe")));

            // Java DSL files are compiled when they change, too
            write("ReloadProbe.java", """
                    import org.apache.camel.builder.RouteBuilder;

                    public class ReloadProbe extends RouteBuilder {
                        @Override
                        public void configure() {
                            from("direct:reload-probe-java").routeId("reload-probe-java").setBody(constant("from java"));
                        }
                    }
                    """);
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "from java".equals(ask(hub, "direct:reload-probe-java")));

            // a step that does not exist, on line 7
            write("reload-probe.camel.yaml", probeRoute("third").replace("- setBody:", "- setBodyy:"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> logs.warned("reload-probe.camel.yaml", "line 7"));
            assertThat(ask(hub, "direct:reload-probe")).isEqualTo("second");
            assertThat(hub.context().getRouteController().getRouteStatus("transactions-audit"))
                    .isEqualTo(ServiceStatus.Started);

            // fixed again: and no reload is left running when the hub stops
            write("reload-probe.camel.yaml", probeRoute("fourth"));
            await().atMost(A_COUPLE_OF_SECONDS).until(() -> "fourth".equals(ask(hub, "direct:reload-probe")));
        }
    }

    private void write(String name, String content) throws Exception {
        EditorSave.write(routes, name, content);
    }

    private static String probeRoute(String answer) {
        return """
                - route:
                    id: reload-probe
                    from:
                      uri: direct:reload-probe
                      steps:
                        - log: "probe"
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

    private static String ask(RunningHub hub, String endpoint) {
        try {
            return hub.context().createFluentProducerTemplate().to(endpoint).request(String.class);
        } catch (RuntimeException noSuchRouteYet) {
            return null;
        }
    }
}
