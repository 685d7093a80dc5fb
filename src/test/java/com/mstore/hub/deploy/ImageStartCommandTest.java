package com.mstore.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No container engine runs here, so the image is rebuilt as a directory, the way docker/Dockerfile
 * lays it out: the runtime jars and the hub's jar in lib/, routes/, kamelets/ and the start script.
 * Its entrypoint, run with the image's environment and MSTORE_* settings, must bring every flow up
 * (readiness UP) on the runtime classpath alone, and stop with exit code 0 on SIGTERM.
 */
class ImageStartCommandTest {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");

    @TempDir
    Path app;

    @Test
    void theEntrypointWithTheImagesEnvironmentRunsTheHubAndStopsCleanly() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        layOutImage(dockerfile);
        String entrypoint = match(dockerfile, "(?m)^ENTRYPOINT \\[\"/app/([^\"]+)\"\\]");
        String javaOpts = match(dockerfile, "(?m)^ENV JAVA_OPTS=\"([^\"]*)\"");

        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.transactions.topic", "transactions-" + run);
        settings.put("mstore.instance-id", "image-" + run);
        settings.put("mstore.devices.share-group", "image-" + run);
        settings.put("mstore.devices.session-expiry-seconds", "30");
        Path log = Files.createTempFile("hub-image-", ".log");
        Process hub = HubProcess.startReady(new ProcessBuilder("/bin/sh", app.resolve(entrypoint).toString()),
                settings, Map.of("JAVA_OPTS", javaOpts), log);
        hub.destroy(); // SIGTERM, as Kubernetes stops a pod
        assertThat(hub.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("Routes startup").doesNotContain("ClassNotFoundException");
    }

    /** The image's /app: what the Dockerfile's final stage copies, from this build. */
    private void layOutImage(String dockerfile) throws IOException {
        Path lib = Files.createDirectories(app.resolve("lib"));
        for (String jar : Files.readString(Path.of("target/runtime-classpath.txt")).trim().split(":")) {
            Path source = Path.of(jar);
            try {
                Files.createLink(lib.resolve(source.getFileName()), source);
            } catch (IOException otherFileSystem) {
                Files.copy(source, lib.resolve(source.getFileName()));
            }
        }
        int packaged = ToolProvider.findFirst("jar").orElseThrow().run(System.out, System.err,
                "--create", "--file", lib.resolve("mstore-event-hub.jar").toString(), "-C", "target/classes", ".");
        assertThat(packaged).isZero();
        String finalStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) (\\S+)$").matcher(finalStage);
        while (copy.find()) {
            copyTree(Path.of(copy.group(1)), app.resolve(copy.group(2)));
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String match(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("Dockerfile has " + regex).isTrue();
        return matcher.group(1);
    }
}
