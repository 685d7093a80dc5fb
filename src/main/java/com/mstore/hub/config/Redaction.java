package com.mstore.hub.config;

/** Keeps credentials out of log lines and error messages. */
public final class Redaction {

    private Redaction() {
    }

    /** {@code amqp://user:secret@host/} becomes {@code amqp://user:***@host/}. */
    public static String uri(String uri) {
        if (uri == null) {
            return null;
        }
        return uri.replaceAll("(//[^:/@]*):[^@/]*@", "$1:***@");
    }
}
