package com.mstore.hub.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of log lines, error messages and health details.
 *
 * <p>Broker addresses are read as URIs, one or a comma-separated list: whatever stands between
 * {@code scheme://} and the last {@code @} of an address is its user information, however many
 * {@code /}, {@code :} or {@code @} a password holds (a password from a secret store is rarely
 * percent-encoded, so {@link java.net.URI} would refuse the very addresses that need masking). A
 * user name stays visible; a password, or user information with no {@code :} (a NATS or Redis
 * token), becomes {@code ***}. When in doubt this masks too much, never too little.
 */
public final class Redaction {

    private static final String MASK = "***";
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    private Redaction() {
    }

    /**
     * {@code amqp://user:secret@host/} becomes {@code amqp://user:***@host/},
     * {@code tls://TOKEN@nats:4222} becomes {@code tls://***@nats:4222}.
     */
    public static String uri(String uris) {
        if (uris == null) {
            return null;
        }
        Matcher scheme = SCHEME.matcher(uris);
        if (!scheme.find()) {
            return uris;
        }
        StringBuilder masked = new StringBuilder(uris.length()).append(uris, 0, scheme.end());
        int authority = scheme.end();
        while (authority >= 0) {
            int next = scheme.find() ? scheme.start() : -1;
            String address = uris.substring(authority, next < 0 ? uris.length() : next);
            masked.append(maskUserInfo(address));
            if (next >= 0) {
                masked.append(uris, next, scheme.end());
                authority = scheme.end();
            } else {
                authority = -1;
            }
        }
        return masked.toString();
    }

    /** {@code user:secret@host:port/path} (what follows {@code scheme://}). */
    private static String maskUserInfo(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        String userInfo = address.substring(0, at);
        int colon = userInfo.indexOf(':');
        String visible = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
        return visible + address.substring(at);
    }
}
