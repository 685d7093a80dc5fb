package com.mstore.hub.dev;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What make run says once it is ready: where a newcomer looks next. */
class DevHubTest {

    @Test
    void theReadyMessageNamesTheConsoleTheApiTheTryItBlocksAndWhereMailGoes() {
        String ready = DevHub.whereToLook("8080", true);
        assertThat(ready).contains("http://localhost:8080/console").contains("http://localhost:8080/api/flows")
                .contains("Try each flow").contains("IMAP localhost:3143");
        assertThat(DevHub.whereToLook("9090", false)).contains("http://localhost:9090/console").doesNotContain("IMAP");
    }
}
