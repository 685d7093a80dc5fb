package com.mstore.hub.config;

import java.util.Locale;


/**
 * The hub's settings are read one way: each package's configuration class injects the ones it
 * needs ({@code @PropertyInject}), so a value comes from application.properties unless an
 * environment variable or system property overrides it. This holds what every package shares about
 * them: the variable that overrides a setting, and the check of an address.
 */
public final class Settings {

    private Settings() {
    }

    /** Checks that one address of a setting is a URI of one of these schemes with a host. */
    public static void requireUri(String key, String value, String uri, java.util.Set<String> schemes) {
        try {
            java.net.URI parsed = new java.net.URI(uri.trim());
            if (parsed.getScheme() == null || !schemes.contains(parsed.getScheme()) || parsed.getHost() == null) {
                throw new InvalidSettingException(key, Redaction.uri(value),
                        "is not a URI of the form scheme://host:port with scheme one of " + schemes);
            }
        } catch (java.net.URISyntaxException e) {
            throw InvalidSettingException.notAUri(key, value, e);
        }
    }

    /** The environment variable that overrides a setting, as Camel derives it. */
    public static String environmentVariableFor(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
