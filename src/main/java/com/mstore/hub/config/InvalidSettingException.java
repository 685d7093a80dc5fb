package com.mstore.hub.config;

/** A configuration value the hub cannot use; the message names the setting and its variable. */
public class InvalidSettingException extends IllegalArgumentException {

    public InvalidSettingException(String key, String value, String problem) {
        super(describe(key, value) + " " + problem);
    }

    public InvalidSettingException(String key, String value, String problem, Throwable cause) {
        super(describe(key, value) + " " + problem, cause);
    }

    /**
     * A value that is not a URI. The parser's message quotes the whole value, credentials and all,
     * so only its reason and position are kept, and the value is shown redacted.
     */
    public static InvalidSettingException notAUri(String key, String value, java.net.URISyntaxException e) {
        return new InvalidSettingException(key, Redaction.uri(value),
                "is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }

    private static String describe(String key, String value) {
        String where = "setting " + key + " (env " + Settings.environmentVariableFor(key) + ")";
        return value == null ? where : where + " = '" + value + "'";
    }
}
