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

    private static final Set<String> KAMELET_TYPES = Set.of("source", "action", "sink");
    private static final Set<String> PROPERTY_TYPES = Set.of("string", "integer", "boolean", "number");
    private static final Pattern TEMPLATE_PLACEHOLDER = Pattern.compile("\\{\\{([^}?:]+)(?:[?:][^}]*)?}}");

    /**
     * Problems of one kamelet file, as "file: problem" lines: the Kamelet catalog's conventions
     * (name and type label agree, a titled and described definition whose every property is typed,
     * documented and either required or defaulted, declared dependencies), every placeholder of its
     * template a declared property or a hub setting, and the template itself valid YAML DSL.
     */
    public static List<String> kameletProblems(Path kameletFile) {
        String file = kameletFile.getFileName().toString();
        List<String> problems = new ArrayList<>();
        JsonNode kamelet;
        try {
            kamelet = YAML.readTree(kameletFile.toFile());
        } catch (IOException e) {
            return List.of(file + ": cannot be read as YAML: " + e.getMessage());
        }
        String name = kamelet.path("metadata").path("name").asText();
        if (!"Kamelet".equals(kamelet.path("kind").asText()) || !kamelet.path("apiVersion").asText().startsWith("camel.apache.org/")) {
            problems.add("not a camel.apache.org Kamelet");
        }
        if (!file.equals(name + ".kamelet.yaml")) {
            problems.add("metadata.name " + name + " does not match the file name");
        }
        String type = kamelet.path("metadata").path("labels").path("camel.apache.org/kamelet.type").asText();
        if (!KAMELET_TYPES.contains(type) || !name.endsWith("-" + type)) {
            problems.add("label camel.apache.org/kamelet.type is '" + type + "': it must be source, action or sink, and the name must end in -" + type);
        }
        JsonNode definition = kamelet.path("spec").path("definition");
        for (String field : List.of("title", "description")) {
            if (definition.path(field).asText().isBlank()) {
                problems.add("spec.definition has no " + field);
            }
        }
        Set<String> required = new java.util.HashSet<>();
        definition.path("required").forEach(r -> required.add(r.asText()));
        Set<String> declared = new java.util.HashSet<>();
        definition.path("properties").fields().forEachRemaining(property -> {
            declared.add(property.getKey());
            JsonNode spec = property.getValue();
            String where = "property " + property.getKey();
            if (spec.path("title").asText().isBlank() || spec.path("description").asText().isBlank()) {
                problems.add(where + " needs a title and a description");
            }
            if (!PROPERTY_TYPES.contains(spec.path("type").asText())) {
                problems.add(where + " has no type (one of " + PROPERTY_TYPES + ")");
            }
            if (!required.contains(property.getKey()) && !spec.has("default")) {
                problems.add(where + " is neither required nor given a default");
            }
        });
        required.stream().filter(r -> !declared.contains(r)).forEach(r -> problems.add("required " + r + " is not a declared property"));
        if (kamelet.path("spec").path("dependencies").isEmpty()) {
            problems.add("spec.dependencies is empty");
        }
        JsonNode template = kamelet.path("spec").path("template");
        Set<String> beans = new java.util.HashSet<>();
        template.path("beans").forEach(bean -> beans.add(bean.path("name").asText()));
        for (String text : strings(template)) {
            var placeholders = TEMPLATE_PLACEHOLDER.matcher(text);
            while (placeholders.find()) {
                String placeholder = placeholders.group(1);
                if (!placeholder.startsWith("mstore.") && !declared.contains(placeholder) && !beans.contains(placeholder)) {
                    problems.add("{{" + placeholder + "}} in the template is neither a declared property, a template bean nor a hub setting");
                }
            }
        }
        // the template as the route template it becomes, against the YAML DSL schema
        com.fasterxml.jackson.databind.node.ObjectNode routeTemplate = YAML.createObjectNode();
        routeTemplate.put("id", name);
        if (template.has("beans")) {
            routeTemplate.set("beans", template.get("beans"));
        }
        routeTemplate.set("from", template.path("from"));
        try (InputStream schemaStream = RouteFiles.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaStream);
            JsonNode document = YAML.createArrayNode().add(YAML.createObjectNode().set("routeTemplate", routeTemplate));
            problems.addAll(realProblems(schema.validate(document), placeholderPaths(document, "$", new java.util.HashSet<>())));
        } catch (IOException e) {
            problems.add("the YAML DSL schema cannot be read: " + e.getMessage());
        }
        return problems.stream().map(problem -> file + ": " + problem).toList();
    }

    /**
     * Loads the route files of a directory with the hub's real configuration into a context whose
     * routes do not start and which connects to no broker, then returns it (caller stops it).
     */
    public static Main loadWithoutStarting(Path routesDirectory, Map<String, String> settings) {
        Main main = HubApplication.newMain();
        main.addOverrideProperty("mstore.routes.directory", routesDirectory.toString());
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

    /**
     * Where the flow files break the hub's conventions (application.properties, routes): each file
     * of routes/ is one flow, every route of it in the flow's group, the file named after the flow
     * ({@code <flow>.camel.yaml}, or the flow in UpperCamelCase {@code .java}); a flow whose routes
     * dead-letter through the shared error handling has its route from {@code direct:<flow>-dead-letter}.
     */
    public static List<String> flowProblems(CamelContext context, Path routesDirectory) {
        List<String> problems = new ArrayList<>();
        Set<String> endpoints = new java.util.HashSet<>();
        context.getRoutes().forEach(route -> endpoints.add(route.getEndpoint().getEndpointUri()));
        for (org.apache.camel.Route route : context.getRoutes()) {
            String source = route.getSourceResource() == null ? null : route.getSourceResource().getLocation();
            if (source == null || !source.startsWith("file:") || route.isCreatedByKamelet()
                    || !Path.of(source.substring("file:".length())).toAbsolutePath().getParent().equals(routesDirectory.toAbsolutePath())) {
                continue; // the hub's own routes and those built from kamelets
            }
            String file = Path.of(source.substring("file:".length())).getFileName().toString();
            String flow = route.getGroup();
            if (flow == null || flow.isBlank()) {
                problems.add(file + ": route " + route.getRouteId() + " names no flow (group: " + flowOfFile(file) + ")");
                continue;
            }
            String expected = file.endsWith(".java") ? upperCamel(flow) + ".java" : flow + ".camel.yaml";
            if (!file.equals(expected)) {
                problems.add(file + ": route " + route.getRouteId() + " is in flow " + flow + ", so the file is " + expected);
            }
            if ("mstore-error-handling".equals(route.getConfigurationId()) && !endpoints.contains("direct://" + flow + "-dead-letter")) {
                String problem = "flow " + flow + " dead-letters (mstore-error-handling) but has no route from direct:" + flow + "-dead-letter";
                if (!problems.contains(problem)) {
                    problems.add(problem);
                }
            }
        }
        return problems;
    }

    private static String flowOfFile(String file) {
        return file.endsWith(".camel.yaml") ? file.substring(0, file.length() - ".camel.yaml".length()) : file;
    }

    private static String upperCamel(String flow) {
        StringBuilder name = new StringBuilder();
        for (String part : flow.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
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
                    // a kamelet's own parameters resolve only in the routes built from it, whose
                    // endpoints the context holds and are checked above
                    if (colon > 0 && components.contains(text.substring(0, colon)) && !text.contains("${") && !namesTemplateParameter(text)) {
                        check(context.resolvePropertyPlaceholders(text), file.getFileName().toString(), problems);
                    }
                }
            } catch (IOException e) {
                problems.add(file.getFileName() + ": cannot be read: " + e.getMessage());
            }
        }
        return problems;
    }

    private static boolean namesTemplateParameter(String text) {
        var placeholders = TEMPLATE_PLACEHOLDER.matcher(text);
        while (placeholders.find()) {
            if (!placeholders.group(1).startsWith("mstore.")) {
                return true;
            }
        }
        return false;
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
