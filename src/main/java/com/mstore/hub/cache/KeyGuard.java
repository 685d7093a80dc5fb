package com.mstore.hub.cache;

import java.util.Arrays;
import java.util.List;

import com.mstore.hub.errors.RejectedMessageException;

/**
 * Decides which Redis keys a cache invalidation may delete: only keys under the allowed prefixes
 * (default {@code cache:}), never the hub's own {@code mstore:} keys. A pattern is allowed only
 * when its literal start, before any glob character, is an allowed prefix, so {@code *},
 * {@code c*}, {@code cach?:x} or {@code [c]ache:*} cannot reach outside.
 */
public final class KeyGuard {

    private static final String GLOB_CHARACTERS = "*?[]\\^";

    private final List<String> allowedPrefixes;

    public KeyGuard(String allowedPrefixes) {
        this.allowedPrefixes = Arrays.stream(allowedPrefixes.split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (this.allowedPrefixes.isEmpty()) {
            throw new IllegalArgumentException("at least one allowed cache key prefix is needed");
        }
    }

    public void checkKey(String key) {
        refuseControlCharacters(key);
        if (allowedPrefixes.stream().noneMatch(key::startsWith)) {
            throw forbidden("key", key);
        }
    }

    public void checkPattern(String pattern) {
        refuseControlCharacters(pattern);
        String literalStart = literalStart(pattern);
        if (allowedPrefixes.stream().noneMatch(literalStart::startsWith)) {
            throw forbidden("pattern", pattern);
        }
    }

    private static String literalStart(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if (GLOB_CHARACTERS.indexOf(pattern.charAt(i)) >= 0) {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    private static void refuseControlCharacters(String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new RejectedMessageException("forbidden-key",
                    "a cache key or pattern may not contain control characters: " + printable(value));
        }
    }

    private RejectedMessageException forbidden(String what, String value) {
        return new RejectedMessageException("forbidden-key",
                "the " + what + " '" + printable(value) + "' is outside the allowed prefixes " + allowedPrefixes);
    }

    /** Keeps a hostile key from forging log lines. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().limit(200).forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return value.length() > 200 ? out + "..." : out.toString();
    }
}
