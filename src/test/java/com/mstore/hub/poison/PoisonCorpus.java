package com.mstore.hub.poison;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The bad inputs of one flow, read from src/test/resources/poison/{flow}.json (format: poison/README.md). */
final class PoisonCorpus {

    /** One bad input: where it goes, its exact bytes, and the reason it must be refused with. */
    record Case(String name, String target, byte[] body, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPANSION = Pattern.compile("\\{(pad|nest):(\\d+)}");

    private PoisonCorpus() {
    }

    /**
     * @param names values for the {name} placeholders of bodies and targets, such as the device id
     */
    static List<Case> load(String flow, Map<String, String> names) {
        String resource = "poison/" + flow + ".json";
        try (InputStream in = PoisonCorpus.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no poison corpus at " + resource);
            }
            List<Case> cases = new ArrayList<>();
            for (JsonNode entry : JSON.readTree(in)) {
                String name = entry.required("name").asText();
                byte[] body = entry.has("base64")
                        ? Base64.getDecoder().decode(entry.get("base64").asText())
                        : expand(entry.required("body").asText(), names).getBytes(StandardCharsets.UTF_8);
                String target = entry.has("target") ? expand(entry.get("target").asText(), names) : null;
                cases.add(new Case(name, target, body, entry.required("reason").asText()));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static String expand(String text, Map<String, String> names) {
        for (Map.Entry<String, String> name : names.entrySet()) {
            text = text.replace("{" + name.getKey() + "}", name.getValue());
        }
        Matcher matcher = EXPANSION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            int count = Integer.parseInt(matcher.group(2));
            String expanded = matcher.group(1).equals("pad") ? "x".repeat(count) : "[".repeat(count) + "]".repeat(count);
            matcher.appendReplacement(out, Matcher.quoteReplacement(expanded));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
