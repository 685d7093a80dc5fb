package com.mstore.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.HeadlessChromium;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * /console in a real headless Chromium (Debian's chromium and chromedriver): an operator with the
 * API key finds a dead-lettered transaction, corrects its body and replays it, and the audit
 * record is then read from Kafka.
 */
class ConsoleBrowserTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String topic = settings.get("mstore.transactions.topic");
    private final String auditTopic = settings.get("mstore.transactions.audit-topic");
    private RunningHub hub;
    private KafkaClient kafka;
    private WebDriver browser;
    /** A fresh profile for each browser. */
    @TempDir
    Path profile;

    @BeforeEach
    void setUp() {
        settings.put("mstore.emails.worker-enabled", "false");
        hub = RunningHub.startWith(settings);
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
        browser = HeadlessChromium.start(profile);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        kafka.close();
        hub.close();
    }

    @Test
    void anOperatorFixesADeadLetteredTransactionInTheConsoleAndItIsAudited() throws Exception {
        String code = "TRX-CONSOLE-" + run;
        kafka.send(topic, code, "{\"transactionCode\": \"" + code + "\", \"branchId\": \"seven\", \"grandTotal\": 100}");
        await().atMost(PATIENCE).until(() -> hub.get("/api/dead-letters?flow=transactions").body().contains(code));

        browser.get("http://localhost:" + hub.httpPort() + "/console");
        // the API answers 401 without a key, and the page asks for one
        WebElement keyField = browser.findElement(By.id("api-key"));
        await().atMost(PATIENCE).until(keyField::isDisplayed);
        keyField.sendKeys(RunningHub.TEST_API_KEY);
        browser.findElement(By.id("api-key-save")).click();

        WebElement row = await().atMost(PATIENCE).until(() -> rowFor(code), found -> found != null);
        assertThat(row.getText()).contains("transactions").contains("invalid-payload").contains("key=" + code);
        await().atMost(PATIENCE).until(() -> flowRow("transactions").getText().contains("UP"));
        assertThat(flowRow("transactions").findElement(By.className("dead-letter-count")).getText()).isEqualTo("1");

        row.findElement(By.cssSelector("button.edit")).click();
        WebElement editor = browser.findElement(By.id("body-editor"));
        await().atMost(PATIENCE).until(editor::isDisplayed);
        assertThat(editor.getAttribute("value")).contains("\"seven\"");
        editor.clear();
        editor.sendKeys("{\"transactionCode\": \"" + code + "\", \"branchId\": 7, \"grandTotal\": 100}");
        browser.findElement(By.id("replay-edited")).click();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText().contains("Replayed"));
        assertThat(browser.findElement(By.id("message")).getText()).contains("kafka:" + topic);

        await().atMost(PATIENCE).until(() -> kafka.valuesOf(auditTopic).stream().anyMatch(value -> value.contains(code)));
        List<String> audited = kafka.valuesOf(auditTopic).stream().filter(value -> value.contains(code)).toList();
        assertThat(audited).hasSize(1);
        assertThat(JSON.readTree(audited.get(0)).get("branchId").asInt()).isEqualTo(7);
        // the table shows the replay
        await().atMost(PATIENCE).until(() -> {
            WebElement replayed = rowFor(code);
            return replayed != null && replayed.findElements(By.tagName("td")).get(5).getText().equals("1");
        });
    }

    private WebElement rowFor(String code) {
        return browser.findElements(By.cssSelector("#dead-letters tr[data-id]")).stream()
                .filter(row -> row.getText().contains(code)).findFirst().orElse(null);
    }

    private WebElement flowRow(String flow) {
        return browser.findElement(By.cssSelector("#flows tr[data-flow='" + flow + "']"));
    }
}
