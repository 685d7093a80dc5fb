package com.mstore.hub.testing;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** What the hub logs while a test runs (register with {@code @RegisterExtension}). */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list = new CopyOnWriteArrayList<>();
        appender.start();
        root().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root().detachAppender(appender);
    }

    public List<ILoggingEvent> events() {
        return appender.list;
    }

    /** Whether a WARN or worse has been logged whose message or stack trace contains all of these. */
    public boolean warned(String... containing) {
        return appender.list.stream().anyMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN)
                && Arrays.stream(containing).allMatch(describe(event)::contains));
    }

    /** Whether a line starting with this has been logged. */
    public boolean logged(String start) {
        return appender.list.stream().anyMatch(event -> event.getFormattedMessage().startsWith(start));
    }

    public void clear() {
        appender.list.clear();
    }

    private static String describe(ILoggingEvent event) {
        return event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
