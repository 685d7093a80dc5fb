package com.mstore.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.ImageLayout;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image rebuilt as a directory (ImageLayout): its entrypoint, run with the image's environment
 * and MSTORE_* settings, must bring every flow up (readiness UP) on the runtime classpath alone, map
 * the class-data archive its build step made, load the Java DSL routes that step compiled, and stop
 * with exit code 0 on SIGTERM.
 */
class ImageStartCommandTest {

    @TempDir
    Path app;

    @Test
    void theEntrypointWithTheImagesEnvironmentRunsTheHubAndStopsCleanly() throws Exception {
        ImageLayout image = ImageLayout.build(app);
        assertThat(app.resolve("hub.jsa")).as("the class-data archive of the image's build step").isNotEmptyFile();

        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.instance-id", "image-" + run);
        settings.put("mstore.devices.session-expiry-seconds", "30");
        Path log = Files.createTempFile("hub-image-", ".log");
        // -Xshare:on: an archive the JVM cannot map (another class path, another JDK) stops it here
        Map<String, String> environment = new HashMap<>(image.environment());
        environment.put("JAVA_OPTS", image.javaOptions() + " -Xshare:on");
        Process hub = HubProcess.startReady(new ProcessBuilder("/bin/sh", image.entrypoint().toString()),
                settings, environment, log);
        hub.destroy(); // SIGTERM, as Kubernetes stops a pod
        assertThat(hub.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("Routes startup").doesNotContain("ClassNotFoundException")
                // the routes/*.java the build step compiled, loaded without javac
                .contains("Java DSL routes [Orders] loaded as compiled earlier");
    }
}
