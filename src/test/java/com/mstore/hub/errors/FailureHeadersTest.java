package com.mstore.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParseException;
import org.junit.jupiter.api.Test;

/** The reason code and message every dead letter carries, from the failure that caused it. */
class FailureHeadersTest {

    @Test
    void aRefusalGivesItsOwnReasonEvenWhenWrapped() {
        RejectedMessageException refused = new RejectedMessageException("forbidden-key", "outside the prefixes");
        assertThat(FailureHeaders.reasonOf(refused)).isEqualTo("forbidden-key");
        assertThat(FailureHeaders.reasonOf(new IllegalStateException("step failed", refused))).isEqualTo("forbidden-key");
    }

    @Test
    void jsonThatCannotBeParsedIsNotJsonAndAnythingElseExhaustedItsRedeliveries() {
        assertThat(FailureHeaders.reasonOf(new JsonParseException(null, "Unexpected character"))).isEqualTo("not-json");
        assertThat(FailureHeaders.reasonOf(new IOException("connection refused"))).isEqualTo("redelivery-exhausted");
        assertThat(FailureHeaders.reasonOf(null)).isEqualTo("unknown");
    }

    @Test
    void theMessageNamesTheRootCauseOnOneBoundedLine() {
        String message = FailureHeaders.messageOf(new IllegalStateException("send failed",
                new IOException("line one\r\nline two\tand a tab")));
        assertThat(message).isEqualTo("send failed (because: line one line two and a tab)");
        String huge = FailureHeaders.messageOf(new IllegalStateException("x".repeat(5000)));
        assertThat(huge).hasSize(1003).endsWith("...");
        assertThat(FailureHeaders.messageOf(null)).isEqualTo("no exception recorded");
    }
}
