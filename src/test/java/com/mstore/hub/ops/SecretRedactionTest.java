package com.mstore.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Secrets stay secret when the brokers refuse them: a wrong RabbitMQ password and a Redis password
 * the server does not expect make connections fail, and neither password appears in a log line, an
 * exception or anything the hub serves under /observe.
 */
class SecretRedactionTest {

    private static final String RABBIT_SECRET = "rabbit-Pa55-7f3a9c";
    private static final String REDIS_SECRET = "redis-Pa55-91be04";
    private static final String NATS_TOKEN = "natsT0ken-5d20c8";

    @Test
    void refusedCredentialsAreNeverLoggedNorServed() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.list = new CopyOnWriteArrayList<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        Map<String, String> settings = new HashMap<>(TestBrokers.hubSettings());
        String rabbit = settings.get("mstore.rabbitmq.addresses");
        settings.put("mstore.rabbitmq.addresses", rabbit.replaceFirst("//([^:/@]+):[^@]*@", "//guest:" + RABBIT_SECRET + "@"));
        settings.put("mstore.redis.password", REDIS_SECRET);
        // a NATS server without authorization ignores a token: the hub connects and shows its address
        settings.put("mstore.nats.servers", settings.get("mstore.nats.servers").replaceFirst("://", "://" + NATS_TOKEN + "@"));
        settings.put("mstore.startup.require-brokers", "false");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> hub.get("/observe/health").body().contains("DOWN"));
            String health = hub.get("/observe/health?exposureLevel=full").body();
            assertThat(health).contains("broker-rabbitmq").contains("broker-redis").contains("***@");
            for (String path : new String[] {"/observe/health", "/observe/health?exposureLevel=full", "/observe/health/ready", "/observe/metrics"}) {
                assertThat(hub.get(path).body()).as(path).doesNotContain(RABBIT_SECRET).doesNotContain(REDIS_SECRET)
                        .doesNotContain(NATS_TOKEN);
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).doesNotContain(RABBIT_SECRET).doesNotContain(REDIS_SECRET).doesNotContain(NATS_TOKEN);
        }
    }

    /**
     * Passwords as secret stores make them (base64 with '/', or an '@') break the URI they are
     * pasted into: the start-up error names the setting and shows the address, never the password.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mstore.rabbitmq.addresses", "mstore.nats.servers"})
    void aPasswordThatBreaksItsUriStaysOutOfTheStartUpError(String key) {
        Map<String, String> settings = new HashMap<>(TestBrokers.hubSettings());
        for (String password : new String[] {"Zm9v/YmFy+cXV4=", "p@ss-w0rd-e81f", "sp ace%zz-77c1"}) {
            String scheme = key.contains("rabbitmq") ? "amqp" : "nats";
            settings.put(key, scheme + "://hub:" + password + "@127.0.0.1:1/");
            Throwable error = catchThrowable(() -> RunningHub.startWith(settings).close());
            assertThat(error).as(password).isNotNull();
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).contains(key).contains("hub:***@")
                    .doesNotContain(password).doesNotContain(password.substring(0, 5));
        }
    }
}
