package com.mstore.hub.errors;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.networknt.schema.ValidationMessage;

/**
 * What is wrong with a message, in words an operator reads in a dead letter ({@code not JSON:
 * unexpected 'n' at line 1, column 1}, {@code field branchId: must be at least 1}): no exception
 * class names, no parser internals. The class goes to {@code mstore-error-type}, for developers.
 */
public final class ReadableErrors {

    /** Jackson's "('n' (code 110))": the character is enough. */
    private static final Pattern CHARACTER = Pattern.compile("\\('(.+?)' \\(code \\d+\\)\\)");
    /** Where Jackson's message turns to parser internals: its list of expected tokens, its source, the Java type it read into. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*(\\(JSON String|\\(start marker|\\[Source|: was expecting|: expected a valid value|\\(of type|\\(bound as|: not allowed as per|: enable `|\\n).*",
            Pattern.DOTALL);

    private ReadableErrors() {
    }

    /** {@code not JSON: unexpected 'n' at line 1, column 1}. */
    public static String notJson(JacksonException error) {
        String what = error.getOriginalMessage() == null ? "cannot be read" : error.getOriginalMessage();
        Matcher character = CHARACTER.matcher(what);
        what = character.replaceAll(match -> Matcher.quoteReplacement("'" + match.group(1) + "'"));
        what = INTERNALS.matcher(what).replaceFirst("").replace("end-of-input", "end of input");
        // a limit names the Java method it comes from: "(64, from `StreamReadConstraints...`)"
        what = what.replaceAll(",\\s*from `[^`]*`", "").strip();
        if (what.startsWith("Trailing token")) {
            what = "more text after the JSON value";
        }
        if (what.endsWith(":")) {
            what = what.substring(0, what.length() - 1);
        }
        StringBuilder text = new StringBuilder("not JSON: ").append(lowerFirst(what));
        JsonLocation location = error.getLocation();
        if (location != null && location.getLineNr() > 0) {
            text.append(" at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
        }
        return text.toString();
    }

    /** Each violation as {@code field <path>: <what>}, sorted, joined by "; ". */
    public static String schemaViolations(Collection<ValidationMessage> violations) {
        return violations.stream().map(ReadableErrors::violation).sorted().collect(Collectors.joining("; "));
    }

    static String violation(ValidationMessage violation) {
        String path = violation.getInstanceLocation() == null ? "" : violation.getInstanceLocation().toString();
        String field = fieldOf(path);
        Object[] arguments = violation.getArguments() == null ? new Object[0] : violation.getArguments();
        String first = arguments.length > 0 ? String.valueOf(arguments[0]) : "";
        String type = Objects.toString(violation.getType(), "");
        return switch (type) {
            case "required" -> "field " + (field.isEmpty() ? "" : field + ".") + first + ": is missing";
            case "additionalProperties" -> "field " + (field.isEmpty() ? "" : field + ".") + first + ": is not a field of this message";
            case "minimum" -> subject(field) + "must be at least " + first;
            case "maximum" -> subject(field) + "must be at most " + first;
            case "exclusiveMinimum" -> subject(field) + "must be more than " + first;
            case "exclusiveMaximum" -> subject(field) + "must be less than " + first;
            case "type" -> subject(field) + "must be " + (arguments.length > 1 ? arguments[1] : "of another type") + ", not " + first;
            case "enum" -> subject(field) + "must be one of " + first;
            case "format" -> subject(field) + "is not a valid " + first;
            default -> subject(field) + withoutPath(violation.getMessage(), path);
        };
    }

    /**
     * The failure and, where it wraps another, its root cause, by their messages: a
     * {@link RejectedMessageException} was written for people and is used as it is.
     */
    public static String describe(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RejectedMessageException rejected) {
                return rejected.getMessage();
            }
            if (cause instanceof JacksonException notJson) {
                return notJson(notJson);
            }
        }
        Throwable root = rootOf(error);
        String text = said(error);
        return root == error || said(root).equals(text) ? text : text + " (because: " + said(root) + ")";
    }

    /** The failure's class and its root cause's: {@code java.lang.IllegalStateException < java.net.ConnectException}. */
    public static String typeOf(Throwable error) {
        Throwable root = rootOf(error);
        return root == error ? error.getClass().getName() : error.getClass().getName() + " < " + root.getClass().getName();
    }

    private static Throwable rootOf(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** A message, or for an exception that has none, its kind in words ({@code SocketTimeoutException}: "socket timeout"). */
    private static String said(Throwable error) {
        if (error.getMessage() != null && !error.getMessage().isBlank()) {
            return error.getMessage();
        }
        String name = error.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
        return Arrays.stream(name.split("(?=[A-Z])")).map(String::toLowerCase).collect(Collectors.joining(" ")).strip();
    }

    /** {@code $.items[0].qty} or {@code /items/0/qty} (as the validator is configured) as {@code items[0].qty}. */
    private static String fieldOf(String path) {
        if (path.startsWith("$")) {
            return path.startsWith("$.") ? path.substring(2) : path.substring(1);
        }
        StringBuilder field = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                field.append('[').append(name).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(name);
            }
        }
        return field.toString();
    }

    private static String subject(String field) {
        return field.isEmpty() ? "the message: " : "field " + field + ": ";
    }

    private static String withoutPath(String message, String path) {
        String text = message == null ? "is not valid" : message;
        return text.startsWith(path + ": ") ? text.substring(path.length() + 2) : text;
    }

    private static String lowerFirst(String text) {
        return text.isEmpty() ? "cannot be read" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
