package com.mstore.hub.config;

import java.util.Locale;

import org.apache.camel.CamelContext;

/**
 * Reads the hub's settings through Camel's properties component, so a value comes from
 * application.properties unless an environment variable or system property overrides it.
 */
public final class Settings {

    private final CamelContext context;

    private Settings(CamelContext context) {
        this.context = context;
    }

    public static Settings of(CamelContext context) {
        return new Settings(context);
    }

    /** The value of a setting; a missing one is a configuration error that names the setting. */
    public String get(String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .map(String::trim)
                .orElseThrow(() -> new InvalidSettingException(key, null, "is not set"));
    }

    public String getOrEmpty(String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::trim).orElse("");
    }

    public int getInt(String key) {
        String value = get(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, value, "is not a whole number");
        }
    }

    public boolean getBoolean(String key) {
        String value = get(key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidSettingException(key, value, "is not true or false");
        }
        return Boolean.parseBoolean(value);
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
