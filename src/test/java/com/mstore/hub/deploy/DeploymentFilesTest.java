package com.mstore.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.mstore.hub.testing.RunningHub;
import org.junit.jupiter.api.Test;

/**
 * No container engine runs here, so the deployment files are checked against what the hub really
 * does: the manifests parse, and their ports, probe paths and mount paths are the hub's.
 */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = Path.of("docker/k8s");

    @Test
    void everyManifestParsesAndNamesItsKind() throws Exception {
        List<Path> manifests = new ArrayList<>();
        try (var files = Files.list(K8S)) {
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(manifests::add);
        }
        assertThat(manifests).hasSizeGreaterThanOrEqualTo(4);
        for (Path manifest : manifests) {
            JsonNode document = YAML.readTree(manifest.toFile());
            assertThat(document.path("apiVersion").asText()).as(manifest.toString()).isNotBlank();
            assertThat(document.path("kind").asText()).as(manifest.toString()).isNotBlank();
        }
        assertThat(YAML.readTree(Path.of("docker/compose.yaml").toFile()).path("services").has("hub")).isTrue();
    }

    @Test
    void theDeploymentsPortsProbesAndMountsMatchWhatTheHubServes() throws Exception {
        JsonNode pod = YAML.readTree(K8S.resolve("statefulset.yaml").toFile()).path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Properties defaults = applicationProperties();

        int containerPort = container.path("ports").get(0).path("containerPort").asInt();
        assertThat(containerPort).isEqualTo(Integer.parseInt(defaults.getProperty("mstore.http.port").trim()));

        // a shutdown drains, then closes the Kafka clients; the rest needs a few seconds more
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        int drain = Integer.parseInt(defaults.getProperty("mstore.shutdown-timeout-seconds").trim());
        int kafkaClose = Integer.parseInt(defaults.getProperty("mstore.kafka.close-timeout-ms").trim()) / 1000;
        assertThat(grace).isGreaterThanOrEqualTo(drain + kafkaClose + 10);
        assertThat(defaults.getProperty("camel.component.kafka.shutdown-timeout")).isEqualTo("{{mstore.kafka.close-timeout-ms}}");

        // each directory of the flows' files is read under the working directory the image runs in,
        // copied there by the image and mounted there from a ConfigMap
        String workdir = dockerfileWorkdir();
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(mount -> mounts.add(mount.path("mountPath").asText()));
        for (String files : List.of("routes", "kamelets", "schemas", "templates")) {
            String directory = defaults.getProperty("mstore." + files + ".directory").trim();
            assertThat(directory).isEqualTo(files);
            assertThat(dockerfile).contains("COPY " + files + " " + directory);
            assertThat(mounts).contains(workdir + "/" + directory);
        }
        assertThat(defaults.getProperty("camel.main.routes-include-pattern")).contains("file:{{mstore.routes.directory}}/");

        JsonNode service = YAML.readTree(K8S.resolve("service.yaml").toFile());
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo(container.path("ports").get(0).path("name").asText());
        JsonNode pdb = YAML.readTree(K8S.resolve("pdb.yaml").toFile());
        JsonNode deploymentSelector = YAML.readTree(K8S.resolve("statefulset.yaml").toFile()).path("spec").path("selector");
        assertThat(pdb.path("spec").path("selector").path("matchLabels")).isEqualTo(deploymentSelector.path("matchLabels"));

        try (RunningHub hub = RunningHub.start(Map.of())) {
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                String path = container.path(probe).path("httpGet").path("path").asText();
                assertThat(hub.get(path).statusCode()).as(probe + " " + path).isEqualTo(200);
            }
        }
    }

    /**
     * Rollouts keep identities: a StatefulSet's pods keep their names, and the hub's Kafka
     * transactional id and MQTT session are named after the pod.
     */
    @Test
    void thePodsKeepTheirNamesAndTheHubNamesItsSessionsAfterThem() throws Exception {
        JsonNode set = YAML.readTree(K8S.resolve("statefulset.yaml").toFile());
        assertThat(set.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(set.path("spec").path("podManagementPolicy").asText()).isEqualTo("Parallel");
        JsonNode governing = YAML.readTree(K8S.resolve("pods-service.yaml").toFile());
        assertThat(set.path("spec").path("serviceName").asText()).isEqualTo(governing.path("metadata").path("name").asText());
        assertThat(governing.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(governing.path("spec").path("selector")).isEqualTo(set.path("spec").path("selector").path("matchLabels"));
        JsonNode instanceId = null;
        for (JsonNode variable : set.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            if (variable.path("name").asText().equals("MSTORE_INSTANCE_ID")) {
                instanceId = variable;
            }
        }
        assertThat(instanceId).isNotNull();
        assertThat(instanceId.path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        Properties defaults = applicationProperties();
        assertThat(defaults.getProperty("mstore.devices.client-id")).contains("{{mstore.instance-id}}");
        assertThat(defaults.getProperty("mstore.transactions.transactional-id")).contains("{{mstore.instance-id}}");
        JsonNode pdb = YAML.readTree(K8S.resolve("pdb.yaml").toFile());
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void everyMstoreVariableTheDeploymentsSetNamesARealSettingAndComposeTracesToItsJaeger() throws Exception {
        java.util.Set<String> settings = new java.util.HashSet<>();
        applicationProperties().stringPropertyNames().forEach(key ->
                settings.add(com.mstore.hub.config.Settings.environmentVariableFor(key)));
        List<String> variables = new ArrayList<>();
        JsonNode compose = YAML.readTree(Path.of("docker/compose.yaml").toFile());
        JsonNode hubEnvironment = compose.path("services").path("hub").path("environment");
        hubEnvironment.fieldNames().forEachRemaining(variables::add);
        JsonNode container = YAML.readTree(K8S.resolve("statefulset.yaml").toFile())
                .path("spec").path("template").path("spec").path("containers").get(0);
        container.path("env").forEach(variable -> variables.add(variable.path("name").asText()));
        assertThat(variables).filteredOn(name -> name.startsWith("MSTORE_")).isNotEmpty()
                .allSatisfy(name -> assertThat(settings).as("setting for " + name).contains(name));

        String otlpHost = URI.create(hubEnvironment.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).getHost();
        assertThat(compose.path("services").has(otlpHost)).as("compose service " + otlpHost).isTrue();
    }

    @Test
    void everythingTheImageCopiesIsInTheRepository() throws Exception {
        for (String line : Files.readAllLines(Path.of("docker/Dockerfile"))) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String source = line.substring("COPY ".length()).trim().split("\\s+")[0];
                assertThat(Path.of(source)).as(line).exists();
                assertThat(new ProcessBuilder("git", "ls-files", "--error-unmatch", source).start().waitFor())
                        .as("%s is tracked by git, so a fresh clone has it", source).isZero();
            }
        }
    }

    private static String dockerfileWorkdir() throws Exception {
        return Files.readAllLines(Path.of("docker/Dockerfile")).stream()
                .filter(line -> line.startsWith("WORKDIR "))
                .reduce((first, second) -> second).orElseThrow()
                .substring("WORKDIR ".length()).trim();
    }

    private static Properties applicationProperties() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = DeploymentFilesTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        }
        return properties;
    }
}
