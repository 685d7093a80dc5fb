package com.mstore.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dead-letter messages in words: what is wrong with the input, never a class name or parser internals. */
class ReadableErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** As the hub reads: text after the JSON is an error. */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["branchId", "to"], "additionalProperties": false,
             "properties": {"branchId": {"type": "integer", "minimum": 1, "maximum": 9999},
                            "to": {"type": "string", "format": "email"},
                            "kind": {"enum": ["a", "b"]},
                            "items": {"type": "array", "items": {"type": "object", "properties": {"qty": {"type": "integer", "minimum": 1}}}}}}""";

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            nope                 | not JSON: unrecognized token 'nope' at line 1, column 1
            {"a": 1              | not JSON: unexpected end of input: expected close marker for Object at line 1, column 8
            n                    | not JSON: unrecognized token 'n' at line 1, column 1
            [1, 2,, 3]           | not JSON: unexpected character ',' at line 1, column 7
            {"a": 1} x           | not JSON: unrecognized token 'x' at line 1, column 10
            {"a": 1} {"b": 2}    | not JSON: more text after the JSON value at line 1, column 10
            """)
    void jsonThatDoesNotParseSaysWhatAndWhere(String input, String expected) {
        JacksonException error = catchThrowableOfType(() -> STRICT.readTree(input), JacksonException.class);
        String text = ReadableErrors.notJson(error);
        assertThat(text).isEqualTo(expected).doesNotContain("Exception", "Source", "code ", "REDACTED", "StreamReadFeature");
    }

    @Test
    void aLimitIsNamedWithoutTheJavaMethodThatSetsIt() {
        JacksonException tooDeep = catchThrowableOfType(() -> STRICT.readTree("[".repeat(1001)), JacksonException.class);
        assertThat(ReadableErrors.notJson(tooDeep)).startsWith("not JSON: document nesting depth (1001) exceeds the maximum allowed (1000)")
                .doesNotContain("`", "StreamReadConstraints");
        JacksonException notANumber = catchThrowableOfType(() -> STRICT.readTree("[NaN]"), JacksonException.class);
        assertThat(ReadableErrors.notJson(notANumber)).isEqualTo("not JSON: non-standard token 'NaN' at line 1, column 5");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"branchId": 0, "to": "ann@example.com"}                    | field branchId: must be at least 1
            {"branchId": 10000, "to": "ann@example.com"}                | field branchId: must be at most 9999
            {"branchId": "7", "to": "ann@example.com"}                  | field branchId: must be integer, not string
            {"to": "ann@example.com"}                                   | field branchId: is missing
            {"branchId": 7, "to": "not an address"}                 | field to: is not a valid email
            {"branchId": 7, "to": "ann@example.com", "kind": "c"}       | field kind: must be one of ["a", "b"]
            {"branchId": 7, "to": "ann@example.com", "extra": 1}        | field extra: is not a field of this message
            {"branchId": 7, "to": "ann@example.com", "items": [{"qty": 0}]} | field items[0].qty: must be at least 1
            """)
    void aSchemaViolationNamesTheFieldAndTheRule(String input, String expected) throws IOException {
        assertThat(ReadableErrors.schemaViolations(violations(input))).isEqualTo(expected);
    }

    @Test
    void severalViolationsAreSortedOnOneLine() throws IOException {
        assertThat(ReadableErrors.schemaViolations(violations("{\"branchId\": 0}")))
                .isEqualTo("field branchId: must be at least 1; field to: is missing");
    }

    @Test
    void anyOtherFailureIsDescribedByItsMessagesAndItsClassesGoToTheType() {
        IllegalStateException error = new IllegalStateException("send failed", new ConnectException("Connection refused"));
        assertThat(ReadableErrors.describe(error)).isEqualTo("send failed (because: Connection refused)");
        assertThat(ReadableErrors.typeOf(error)).isEqualTo("java.lang.IllegalStateException < java.net.ConnectException");
        assertThat(ReadableErrors.describe(new SocketTimeoutException())).isEqualTo("socket timeout");
        assertThat(ReadableErrors.describe(new RejectedMessageException("too-large", "the message body is 2 bytes, over the limit of 1",
                new IllegalArgumentException("internal")))).isEqualTo("the message body is 2 bytes, over the limit of 1");
    }

    private static Set<ValidationMessage> violations(String input) throws IOException {
        JsonNode schema = JSON.readTree(SCHEMA);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config).validate(JSON.readTree(input));
    }
}
