package com.mstore.hub.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.testing.EditorSave;
import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.ReadmeFiles;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's try-it blocks, taken from the README itself, pasted into a shell as a newcomer would,
 * twice in a row, against a hub as make run starts it (the contract's names, no API key, mail
 * readable over IMAP). Each block waits for its flow's effect and for its bad message's dead letter,
 * and fails when one does not come.
 */
class ReadmeTryItTest {

    private static final Path README = Path.of("README.md");
    private static final Pattern SHELL_BLOCK = Pattern.compile("```sh\\n(.*?)\\n```", Pattern.DOTALL);

    @TempDir
    static Path files;

    private static GreenMailSmtp mail;
    private static RunningHub hub;
    private static Map<String, String> environment;

    @BeforeAll
    static void startAsMakeRunDoes() throws IOException {
        int imap = FreePorts.one();
        mail = GreenMailSmtp.start(FreePorts.one(), imap);
        Map<String, String> settings = TestBrokers.get().hubSettings();
        settings.put("mstore.smtp.port", String.valueOf(mail.port()));
        settings.put("mstore.http.auth-required", "false");
        settings.put("camel.main.routes-reload-enabled", "true");
        for (String directory : List.of("routes", "kamelets", "schemas", "templates")) {
            Path copy = Files.createDirectories(files.resolve(directory));
            try (var each = Files.list(Path.of(directory))) {
                for (Path file : each.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            settings.put("mstore." + directory + ".directory", copy.toString());
        }
        hub = RunningHub.startWith(settings);
        URI nats = URI.create(settings.get("mstore.nats.servers"));
        URI mqtt = URI.create(settings.get("mstore.mqtt.server-uri"));
        environment = new LinkedHashMap<>();
        environment.put("HUB", "http://localhost:" + hub.httpPort());
        environment.put("KAFKA", settings.get("mstore.kafka.brokers"));
        environment.put("NATS", nats.toString());
        environment.put("AMQP", settings.get("mstore.rabbitmq.addresses").replaceAll("/$", ""));
        environment.put("MQTT", "mqtt://" + mqtt.getHost() + ":" + mqtt.getPort());
        environment.put("REDIS", "redis://" + settings.get("mstore.redis.host") + ":" + settings.get("mstore.redis.port"));
        environment.put("IMAP", "imap://localhost:" + imap);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    @Test
    void everyTryItBlockWorksTwiceInARow() throws Exception {
        List<String> blocks = shellBlocks("## Try each flow");
        // the first block sets the addresses, which the test gives its own
        assertThat(blocks.get(0)).startsWith("export HUB=");
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(7);
        for (String block : blocks.subList(1, blocks.size())) {
            for (int time = 1; time <= 2; time++) {
                paste(block, time);
            }
        }
    }

    @Test
    void theAddAFlowWalkthroughWorksAsPasted() throws Exception {
        Map<String, String> flowFiles = ReadmeFiles.of(README, "## Add a flow");
        assertThat(flowFiles).containsOnlyKeys("schemas/low-stock.schema.json", "routes/low-stock.camel.yaml");
        for (String file : List.of("schemas/low-stock.schema.json", "routes/low-stock.camel.yaml")) {
            Path target = files.resolve(file);
            EditorSave.write(target.getParent(), target.getFileName().toString(), flowFiles.get(file));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.get("/api/flows").body().contains("\"low-stock\""));
        List<String> blocks = shellBlocks("## Add a flow");
        assertThat(blocks).hasSize(1);
        for (int time = 1; time <= 2; time++) {
            paste(blocks.get(0), time);
        }
        Files.delete(files.resolve("routes/low-stock.camel.yaml"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !hub.get("/api/flows").body().contains("\"low-stock\""));
    }

    private static List<String> shellBlocks(String heading) throws IOException {
        String section = ReadmeFiles.section(Files.readString(README), heading);
        List<String> blocks = new ArrayList<>();
        Matcher block = SHELL_BLOCK.matcher(section);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    /** Runs the block in bash from the project's root, as pasted: it must end well within two minutes. */
    private static void paste(String block, int time) throws Exception {
        ProcessBuilder shell = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", block).redirectErrorStream(true);
        shell.environment().putAll(environment);
        Process pasted = shell.start();
        boolean ended = pasted.waitFor(2, TimeUnit.MINUTES);
        String output = new String(pasted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            pasted.destroyForcibly();
        }
        assertThat(ended && pasted.exitValue() == 0).as("block pasted a %s time:%n%s%n--- printed:%n%s", time == 1 ? "first" : "second",
                block, output).isTrue();
    }
}
