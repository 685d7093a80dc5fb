package com.mstore.hub.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log message with its control characters escaped ({@code \n}, {@code \r}, {@code \t},
 * {@code \u001b}...), so a value taken from a message (a Redis channel, a device id, a reason) can
 * never start a line of its own or move the terminal's cursor: each event stays one line of text
 * (logback.xml's {@code %msg}; the JSON format escapes them by itself).
 */
public class EscapedMessage extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(super.convert(event));
    }

    static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (escaped == null) {
                    escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                switch (c) {
                    case '\n' -> escaped.append("\\n");
                    case '\r' -> escaped.append("\\r");
                    case '\t' -> escaped.append("\\t");
                    default -> escaped.append(String.format("\\u%04x", (int) c));
                }
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
        return escaped == null ? text : escaped.toString();
    }
}
