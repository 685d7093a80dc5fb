package com.mstore.hub.bench;

/**
 * Numbers a benchmark message inside its own payload ("BENCH{run}-{n}"), so whoever finishes it,
 * the hub or a raw client, can tell which message it was without any extra header.
 */
record Marker(String run) {

    String of(int message) {
        return "BENCH" + run + "-" + message;
    }

    /** The message number in this text, or -1 when it carries none of this run. */
    int find(String text) {
        if (text == null) {
            return -1;
        }
        String prefix = "BENCH" + run + "-";
        int at = text.indexOf(prefix);
        if (at < 0) {
            return -1;
        }
        int start = at + prefix.length();
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end == start ? -1 : Integer.parseInt(text.substring(start, end));
    }
}
