package com.mstore.hub.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.testing.TestCertificates;
import com.mstore.hub.tls.BrokerTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka client settings each mstore.kafka.security-protocol gives (no SASL/TLS Kafka runs in the suite). */
class KafkaSecurityTest {

    @Test
    void plaintextByDefault() {
        assertThat(KafkaSecurity.clientProperties(settings("PLAINTEXT", "", "", ""), BrokerTrust.of("")))
                .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    }

    @Test
    void saslOverTlsLogsInAndTrustsTheCaFile(@TempDir Path directory) {
        TestCertificates certificates = TestCertificates.create(directory);
        Map<String, Object> properties = KafkaSecurity.clientProperties(
                settings("sasl_ssl", "SCRAM-SHA-512", "hub", "pa\"ss"), BrokerTrust.of(certificates.caFile().toString()));
        assertThat(properties)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"hub\" password=\"pa\\\"ss\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", certificates.caFile().toString());
    }

    @Test
    void anUnknownProtocolNamesItsSetting() {
        assertThatThrownBy(() -> KafkaSecurity.clientProperties(settings("TLS", "", "", ""), BrokerTrust.of("")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("mstore.kafka.security-protocol");
    }

    @Test
    void aCaFileThatIsNotPemNamesItsSetting(@TempDir Path directory) throws Exception {
        Path notPem = java.nio.file.Files.writeString(directory.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> BrokerTrust.of(notPem.toString()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("mstore.tls.ca-file");
    }

    private static KafkaSecurity.Login settings(String protocol, String mechanism, String username, String password) {
        return new KafkaSecurity.Login(protocol, mechanism, username, password);
    }
}
