package com.mstore.hub.kafka;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.tls.BrokerTrust;

/**
 * How the hub's Kafka clients authenticate and encrypt: the Kafka client settings for
 * {@code mstore.kafka.security-protocol} (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), a SASL user
 * ({@code mstore.kafka.sasl-mechanism}, {@code .username}, {@code .password}) and the trusted CAs of
 * {@code mstore.tls.ca-file}. The same settings serve the routes' consumer, the audit log's
 * transactional producer and the start-up probe.
 */
public final class KafkaSecurity {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private KafkaSecurity() {
    }

    /** The settings: {@code mstore.kafka.security-protocol}, {@code .sasl-mechanism}, {@code .username}, {@code .password}. */
    public record Login(String protocol, String mechanism, String username, String password) {
    }

    public static Map<String, Object> clientProperties(Login login, BrokerTrust trust) {
        String protocol = login.protocol().trim().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new InvalidSettingException("mstore.kafka.security-protocol", protocol, "is not one of " + PROTOCOLS);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = login.mechanism().trim().toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                throw new InvalidSettingException("mstore.kafka.sasl-mechanism", mechanism, "is not one of " + MECHANISMS);
            }
            String loginModule = mechanism.equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            properties.put("sasl.mechanism", mechanism);
            properties.put("sasl.jaas.config", loginModule + " required username=\"" + jaasQuoted(login.username().trim())
                    + "\" password=\"" + jaasQuoted(login.password().trim()) + "\";");
        }
        if (protocol.endsWith("SSL")) {
            Optional<java.nio.file.Path> caFile = trust.caFile();
            caFile.ifPresent(pem -> {
                properties.put("ssl.truststore.type", "PEM");
                properties.put("ssl.truststore.location", pem.toString());
            });
        }
        return properties;
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
