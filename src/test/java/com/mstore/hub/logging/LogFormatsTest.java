package com.mstore.hub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hub's log formats (logback.xml) keep each event on one line, whatever a logged value holds. */
class LogFormatsTest {

    /** A channel name a publisher chose, as the notification flow logs it when it refuses one. */
    private static final String FORGED = "user:1\nFAKE:notifications\r\n2026-12-07T10:00:00.000Z INFO  [main] forged - admin logged in\u001b[2J\u2028";

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void aValueWithControlCharactersCannotStartALineOfItsOwn(String format) throws Exception {
        List<String> lines = logged(format, "Refused user notification on {}: user-mismatch", FORGED);
        assertThat(lines).hasSize(1);
        if (format.equals("text")) {
            assertThat(lines.get(0)).endsWith("- Refused user notification on user:1\\nFAKE:notifications\\r\\n"
                    + "2026-12-07T10:00:00.000Z INFO  [main] forged - admin logged in\\u001b[2J\\u2028: user-mismatch");
        } else {
            var event = new ObjectMapper().readTree(lines.get(0));
            assertThat(event.get("formattedMessage").asText()).isEqualTo("Refused user notification on " + FORGED + ": user-mismatch");
            assertThat(event.get("message").asText()).isEqualTo("Refused user notification on {}: user-mismatch");
        }
    }

    /** The lines the encoder of logback.xml's appender for this format writes for one event. */
    private static List<String> logged(String format, String message, Object argument) throws Exception {
        LoggerContext context = new LoggerContext();
        try {
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            context.putProperty("LOG_FORMAT", format);
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogFormatsTest.class.getResource("/logback.xml"));
            Logger logger = context.getLogger("com.mstore.hub.dead-letter");
            OutputStreamAppender<ILoggingEvent> appender =
                    (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(format);
            byte[] encoded = appender.getEncoder().encode(new LoggingEvent(LogFormatsTest.class.getName(), logger, Level.WARN,
                    message, null, new Object[] {argument}));
            return new String(encoded, StandardCharsets.UTF_8).lines().toList();
        } finally {
            context.stop();
        }
    }
}
