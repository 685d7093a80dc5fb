package com.mstore.hub.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;

/** make demo's traffic reaches every flow, and all of it is valid: nothing is dead-lettered. */
class DemoTrafficTest {

    @Test
    void everyFlowProcessesDemoTrafficAndNothingIsDeadLettered() {
        int smtpPort = Ports.free();
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.demo.interval-ms", "200");
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        try (GreenMailSmtp smtp = GreenMailSmtp.start(smtpPort);
             RunningHub hub = RunningHub.startWith(settings)) {
            DemoTraffic.addTo(hub.context());
            List<String> flows = List.of("transactions-audit", "orders-created", "inventory-reserved", "email-jobs",
                    "device-status", "cache-invalidation", "user-notifications");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(flows).allSatisfy(route -> assertThat(hub.completed(route)).as(route).isPositive()));
            assertThat(smtp.mailbox().getReceivedMessages()).isNotEmpty();
            assertThat(hub.metric("mstore_dead_letters_total")).isZero();
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(settings.get("mstore.emails.queue"));
                rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
            }
        }
    }
}
