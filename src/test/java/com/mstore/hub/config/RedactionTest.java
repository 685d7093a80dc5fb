package com.mstore.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each shape of broker address the hub is given, with the credentials it may hold, masked. */
class RedactionTest {

    static Stream<Arguments> addresses() {
        return Stream.of(
                Arguments.of("amqp://guest:s3cret@rabbit:5672/", "amqp://guest:***@rabbit:5672/"),
                Arguments.of("amqps://hub:ab/cd+ef==@rabbit:5671/prod", "amqps://hub:***@rabbit:5671/prod"),
                Arguments.of("amqp://hub:p@ss@w0rd@rabbit/", "amqp://hub:***@rabbit/"),
                Arguments.of("amqp://hub:a:b@rabbit/", "amqp://hub:***@rabbit/"),
                Arguments.of("tls://T0KEN-abc@nats:4222", "tls://***@nats:4222"),
                Arguments.of("tls://hub:pw/1@nats-0:4222,tls://hub:pw/1@nats-1:4222",
                        "tls://hub:***@nats-0:4222,tls://hub:***@nats-1:4222"),
                Arguments.of("nats://nats-0:4222, nats://T0KEN@nats-1:4222", "nats://nats-0:4222, nats://***@nats-1:4222"),
                Arguments.of("redis://:r3dis@cache:6379/0", "redis://:***@cache:6379/0"),
                Arguments.of("amqp://rabbit:5672/", "amqp://rabbit:5672/"),
                Arguments.of("kafka-0:9092,kafka-1:9092", "kafka-0:9092,kafka-1:9092"),
                Arguments.of("", ""));
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void masksTheCredentialsOfEveryAddress(String address, String shown) {
        assertThat(Redaction.uri(address)).isEqualTo(shown);
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void noSecretSurvives(String address, String shown) {
        for (String secret : new String[] {"s3cret", "ab/cd", "ss@w0rd", "a:b", "T0KEN", "pw/1", "r3dis"}) {
            if (address.contains(secret)) {
                assertThat(Redaction.uri(address)).doesNotContain(secret);
            }
        }
    }
}
