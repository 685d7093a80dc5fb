package com.mstore.hub.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.mstore.hub.HubApplication;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.catalog.CamelCatalog;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.main.Main;

/**
 * Checks route and kamelet files the way a typo should be caught: before anything runs. Three
 * checks, each catching what the others miss: the YAML DSL schema (structure), loading into a
 * context that does not start (unknown steps, components, beans and options), and camel-catalog
 * on every endpoint URI, including those only named in strings (dead-letter targets).
 */
public final class RouteFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final CamelCatalog CATALOG = new DefaultCamelCatalog();
    private static final Pattern WHOLE_PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");

    private RouteFiles() {
    }

    public static List<Path> in(Path directory, String suffix) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema problems of one YAML route file, as "file: problem" lines; empty when it conforms. */
    public static List<String> schemaProblems(Path yamlFile) {
        try (InputStream schemaStream = RouteFiles.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaStream);
            JsonNode document = YAML.readTree(yamlFile.toFile());
            Set<String> placeholders = placeholderPaths(document, "$", new java.util.HashSet<>());
            return realProblems(schema.validate(document), placeholders).stream()
                    .map(problem -> yamlFile.getFileName() + ": " + problem)
                    .toList();
        } catch (IOException e) {
            return List.of(yamlFile.getFileName() + ": cannot be read as YAML: " + e.getMessage());
        }
    }

    /**
     * Where a file holds a whole property placeholder such as
     * {@code "{{mstore.redelivery.maximum-redeliveries}}"}: the schema expects the typed value Camel
     * resolves it to at run time, so a type complaint there (and the one-of complaint it causes
     * above it) is not a problem. Paths are written as the validator writes them ($[0].a.b).
     */
    private static Set<String> placeholderPaths(JsonNode node, String path, Set<String> found) {
        if (node.isTextual() && WHOLE_PLACEHOLDER.matcher(node.asText()).matches()) {
            found.add(path);
        } else if (node.isObject()) {
            node.fields().forEachRemaining(f -> placeholderPaths(f.getValue(), path + "." + f.getKey(), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                placeholderPaths(node.get(i), path + "[" + i + "]", found);
            }
        }
        return found;
    }

    private static final Set<String> COMBINATORS = Set.of("oneOf", "anyOf");

    private static List<String> realProblems(Set<ValidationMessage> messages, Set<String> placeholders) {
        List<ValidationMessage> placeholderTypes = messages.stream()
                .filter(m -> "type".equals(m.getType()) && placeholders.contains(m.getInstanceLocation().toString()))
                .toList();
        List<ValidationMessage> rest = messages.stream().filter(m -> !placeholderTypes.contains(m)).toList();
        // A one-of whose only failing branch failed on placeholders: its complaint, and the other
        // branches' complaints reported at the same place, are not problems.
        Set<String> explained = new java.util.HashSet<>();
        for (ValidationMessage m : rest) {
            String at = m.getInstanceLocation().toString();
            boolean placeholderBelow = placeholderTypes.stream().anyMatch(p -> isBelow(p.getInstanceLocation().toString(), at));
            boolean deeperProblem = rest.stream().anyMatch(o -> isBelow(o.getInstanceLocation().toString(), at));
            if (COMBINATORS.contains(m.getType()) && placeholderBelow && !deeperProblem) {
                explained.add(at);
            }
        }
        return rest.stream()
                .filter(m -> !explained.contains(m.getInstanceLocation().toString()))
                .map(ValidationMessage::getMessage)
                .toList();
    }

    private static boolean isBelow(String path, String ancestor) {
        return path.startsWith(ancestor + ".") || path.startsWith(ancestor + "[");
    }

    /**
     * Loads the route files of a directory with the hub's real configuration into a context whose
     * routes do not start and which connects to no broker, then returns it (caller stops it).
     */
    public static Main loadWithoutStarting(Path routesDirectory, Map<String, String> settings) {
        Main main = HubApplication.newMain();
        main.addOverrideProperty("camel.main.routes-include-pattern",
                "file:" + routesDirectory + "/*.camel.yaml,file:" + routesDirectory + "/*.java");
        main.addOverrideProperty("camel.main.auto-startup", "false");
        // the supervising route controller would start (and retry) routes regardless of auto-startup
        main.addOverrideProperty("camel.routecontroller.enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("mstore.startup.require-brokers", "false");
        settings.forEach(main::addOverrideProperty);
        main.start();
        return main;
    }

    /** Catalog problems of every endpoint the context created and every URI the files name in strings. */
    public static List<String> endpointProblems(CamelContext context, List<Path> files) {
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            check(endpoint.getEndpointUri(), "endpoint", problems);
        }
        Set<String> components = Set.copyOf(CATALOG.findComponentNames());
        for (Path file : files) {
            try {
                for (String text : strings(YAML.readTree(file.toFile()))) {
                    int colon = text.indexOf(':');
                    if (colon > 0 && components.contains(text.substring(0, colon)) && !text.contains("${")) {
                        check(context.resolvePropertyPlaceholders(text), file.getFileName().toString(), problems);
                    }
                }
            } catch (IOException e) {
                problems.add(file.getFileName() + ": cannot be read: " + e.getMessage());
            }
        }
        return problems;
    }

    private static void check(String uri, String where, List<String> problems) {
        var result = CATALOG.validateEndpointProperties(uri);
        if (!result.isSuccess()) {
            problems.add(where + ": " + uri + ": " + result.summaryErrorMessage(false));
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> found = new ArrayList<>();
        if (node.isTextual()) {
            found.add(node.asText());
        }
        node.forEach(child -> found.addAll(strings(child)));
        return found;
    }
}
