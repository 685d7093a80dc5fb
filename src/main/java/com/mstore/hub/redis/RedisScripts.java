package com.mstore.hub.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The hub's Lua scripts ({@code src/main/resources/redis/*.lua}), read once.
 *
 * <p>Why not {@code RedisScript.of(new ClassPathResource(...))}: a script made from a resource asks
 * that resource whether it changed before every execution, which is a look-up in the jar on each
 * message (measured: the largest part of the email worker's CPU). The text is read here at start.
 */
public final class RedisScripts {

    private RedisScripts() {
    }

    public static <T> RedisScript<T> load(String name, Class<T> resultType) {
        String resource = "redis/" + name + ".lua";
        try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no Redis script on the classpath at " + resource);
            }
            return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
