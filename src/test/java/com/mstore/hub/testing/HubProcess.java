package com.mstore.hub.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mstore.hub.config.Settings;

/** The hub as a separate process, configured only by environment variables, as a container runs it. */
public final class HubProcess {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HubProcess() {
    }

    /**
     * The production main class, run from the project directory on this JVM's class path, configured
     * by environment as a container runs it; ready when this returns.
     */
    public static Process startHubApplication(Map<String, String> settings, Map<String, String> environment, Path log,
                                              String... jvmOptions) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.util.List.of(jvmOptions));
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "com.mstore.hub.HubApplication"));
        return startReady(new ProcessBuilder(command).directory(new java.io.File(".")), settings, environment, log);
    }

    /**
     * Starts the command with the settings as MSTORE_* variables (and any other variables), its
     * output in the log file, and waits until the hub reports ready on its HTTP port (the settings'
     * mstore.http.port, or a free one).
     */
    public static Process startReady(ProcessBuilder command, Map<String, String> settings, Map<String, String> environment,
                                     Path log) throws IOException {
        int httpPort = settings.containsKey("mstore.http.port") ? Integer.parseInt(settings.get("mstore.http.port")) : FreePorts.one();
        command.redirectErrorStream(true).redirectOutput(log.toFile());
        settings.forEach((key, value) -> command.environment().put(Settings.environmentVariableFor(key), value));
        command.environment().putAll(environment);
        command.environment().put("MSTORE_HTTP_PORT", String.valueOf(httpPort));
        Process process = command.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + httpPort + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return ready.statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
        return process;
    }
}
