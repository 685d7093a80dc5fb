package com.mstore.hub.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.json.InboundJson;
import com.mstore.hub.json.PayloadSchema;
import com.mstore.hub.json.PayloadSchemas;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The intake step alone (kamelets/mstore-inbound-json-action, InboundJson), with no broker, against
 * the poison corpus: a case whose reason is the intake's own is refused by it with that reason, a
 * case refused for a reason of a later step (a forbidden key, a device that does not match its
 * topic) passes the intake, and a schema refusal is never taken for a parsing one.
 */
class IntakeCorpusTest {

    /** The reasons only the intake gives. */
    private static final Set<String> PARSING = Set.of("empty-body", "too-large", "not-json", "ambiguous-field");
    private static final Properties DEFAULTS = defaults();
    private static final PayloadSchemas SCHEMAS = new PayloadSchemas(Path.of(DEFAULTS.getProperty("mstore.schemas.directory").trim()));

    /** Each corpus file's payload kind (its schema) and the setting of its size limit; order.get's replies are text, not reasons. */
    private static final Map<String, String[]> FLOWS = Map.of(
            "transactions", new String[] {"transaction", "mstore.transactions.max-payload-bytes"},
            "email-jobs", new String[] {"email-job", "mstore.emails.max-payload-bytes"},
            "device-status", new String[] {"device-status", "mstore.devices.max-payload-bytes"},
            "cache-invalidation", new String[] {"cache-invalidation", "mstore.cache-invalidation.max-payload-bytes"},
            "user-notifications", new String[] {"user-notification", "mstore.notifications.max-payload-bytes"},
            "order-events", new String[] {"order", "mstore.orders.max-payload-bytes"});

    static Stream<Arguments> cases() {
        return FLOWS.entrySet().stream().flatMap(flow -> PoisonCorpus.load(flow.getKey(), Map.of("device", "POS-1", "user", "42"))
                .stream().map(bad -> Arguments.of(flow.getKey(), bad)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void eachCaseIsRefusedByTheStepItNames(String flow, PoisonCorpus.Case bad) {
        PayloadSchema schema = SCHEMAS.get(schemaOf(flow, bad));
        int maxBytes = Integer.parseInt(DEFAULTS.getProperty(FLOWS.get(flow)[1]).trim());
        if (PARSING.contains(bad.reason())) {
            assertThatThrownBy(() -> InboundJson.read(bad.body(), schema, maxBytes))
                    .isInstanceOfSatisfying(RejectedMessageException.class, refused -> assertThat(refused.reason()).isEqualTo(bad.reason()));
        } else if (bad.reason().equals("invalid-payload")) {
            // the schema's refusal, or a later step's check of what the schema cannot say
            try {
                InboundJson.read(bad.body(), schema, maxBytes);
            } catch (RejectedMessageException refused) {
                assertThat(refused.reason()).isEqualTo("invalid-payload");
            }
        } else {
            assertThat(InboundJson.read(bad.body(), schema, maxBytes)).as("passes the intake, for the step that refuses it").isNotNull();
        }
    }

    /** Order events go to the order schema, except inventory reservations. */
    private static String schemaOf(String flow, PoisonCorpus.Case bad) {
        return flow.equals("order-events") && "reserved".equals(bad.target()) ? "inventory-reservation" : FLOWS.get(flow)[0];
    }

    private static Properties defaults() {
        Properties properties = new Properties();
        try (InputStream in = IntakeCorpusTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return properties;
    }
}
