package com.mstore.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;

import redis.embedded.RedisServer;

/** The redis-server binary shipped in the embedded-redis jar, run as a child process. */
public final class EmbeddedRedis extends StartedHere implements Restartable {

    private final RedisServer server;

    private EmbeddedRedis(int port, RedisServer server) {
        super("Redis", port);
        this.server = server;
    }

    public static EmbeddedRedis start(int port) {
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    // embedded-redis stops reading the server's output once it is ready unless a
                    // listener drains it; a full pipe would block redis-server mid-test.
                    .soutListener(line -> { })
                    .serrListener(line -> { })
                    .build();
            server.start();
            return new EmbeddedRedis(port, server);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start redis-server on port " + port, e);
        }
    }

    /** Redis runs here without persistence, as a cache: a restart starts it empty. */
    @Override
    public void stop() {
        close();
    }

    @Override
    public void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
