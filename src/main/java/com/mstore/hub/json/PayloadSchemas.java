package com.mstore.hub.json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payload schemas, one file per payload kind, {@code <name>.schema.json} in
 * {@code mstore.schemas.directory}: files beside the route files, so a flow's schema is edited and
 * deployed as its route is (a ConfigMap on Kubernetes). Each is read when first used; an edited file
 * replaces it ({@link #reload}) only if it is a valid schema, otherwise the last good version stays.
 */
public class PayloadSchemas {

    private static final Logger LOG = LoggerFactory.getLogger(PayloadSchemas.class);
    public static final String SUFFIX = ".schema.json";

    private final Path directory;
    private final Map<String, PayloadSchema> loaded = new ConcurrentHashMap<>();

    public PayloadSchemas(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** The schema of a payload kind. @throws IllegalArgumentException naming the file when it is missing or not a schema */
    public PayloadSchema get(String name) {
        PayloadSchema schema = loaded.get(name);
        return schema != null ? schema : loaded.computeIfAbsent(name, this::read);
    }

    /**
     * Reads an edited schema file again: used from now on if it is a valid schema; otherwise this
     * throws why (with the line and column of a JSON error) and the last good version stays.
     */
    public void reload(Path file) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(SUFFIX)) {
            return;
        }
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        PayloadSchema edited = read(name);
        boolean replaced = loaded.put(name, edited) != null;
        LOG.info("Schema {} {}", name, replaced ? "reloaded: the intake steps that use it check payloads against it now" : "read");
    }

    private PayloadSchema read(String name) {
        Path file = directory.resolve(name + SUFFIX);
        JsonNode node;
        try {
            node = InboundJson.strictReader().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no schema " + name + ": " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("schema " + file + " is not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("schema " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("schema " + file + " is not a JSON object");
        }
        SpecVersion.VersionFlag version;
        try {
            version = SpecVersionDetector.detect(node);
        } catch (JsonSchemaException unnamed) {
            // as camel-json-validator: a schema that names no draft is read as 2019-09
            version = SpecVersion.VersionFlag.V201909;
        }
        try {
            var validator = JsonSchemaFactory.getInstance(version).getSchema(file.toUri(), node, new SchemaValidatorsConfig());
            validator.initializeValidators();
            List<String> names = new ArrayList<>();
            collect(node, names);
            Map<String, String> byFolded = new HashMap<>();
            // the first declared spelling wins, should two names fold alike
            names.forEach(field -> byFolded.putIfAbsent(InboundJson.fold(field), field));
            return new PayloadSchema(name, validator, Map.copyOf(byFolded));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("schema " + file + " is not a valid JSON schema: " + e.getMessage(), e);
        }
    }

    /** The property names a schema declares, nested objects and array items included. */
    private static void collect(JsonNode schema, List<String> names) {
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            properties.fields().forEachRemaining(p -> {
                names.add(p.getKey());
                collect(p.getValue(), names);
            });
        }
        JsonNode items = schema.get("items");
        if (items != null) {
            collect(items, names);
        }
    }
}
