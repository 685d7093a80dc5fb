package com.mstore.hub.testing;

import java.util.Arrays;

/** What this JVM's threads are doing right now: for tests of concurrency inside an in-JVM hub. */
public final class Threads {

    private Threads() {
    }

    /** How many threads have this method of this class on their stack (running it, or waiting in it). */
    public static long inside(Class<?> type, String method) {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame ->
                        frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method)))
                .count();
    }
}
