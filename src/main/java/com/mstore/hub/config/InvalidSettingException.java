package com.mstore.hub.config;

/** A configuration value the hub cannot use; the message names the setting and its variable. */
public class InvalidSettingException extends IllegalArgumentException {

    public InvalidSettingException(String key, String value, String problem) {
        super(describe(key, value) + " " + problem);
    }

    public InvalidSettingException(String key, String value, String problem, Throwable cause) {
        super(describe(key, value) + " " + problem, cause);
    }

    private static String describe(String key, String value) {
        String where = "setting " + key + " (env " + Settings.environmentVariableFor(key) + ")";
        return value == null ? where : where + " = '" + value + "'";
    }
}
