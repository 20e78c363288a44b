package io.kerasregistry.deploy;

import static io.kerasregistry.deploy.DeployFiles.dig;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker-compose.yml, parsed: PostgreSQL 16 with a named volume and a pg_isready check, the
 * registry waiting for it to be healthy, blobs on a named volume at the image's path, every
 * setting wired with the documented default, secrets only from .env (which .env.example
 * documents, with the secrets left empty), health checks on /readyz, restart policies.
 */
class ComposeFileTest {

    static Map<String, Object> compose;

    @BeforeAll
    static void load() {
        compose = DeployFiles.loadYaml(DeployFiles.COMPOSE);
    }

    static Map<String, Object> service(String name) {
        Map<String, Object> service = dig(compose, "services", name);
        assertThat(service).as("service %s", name).isNotNull();
        return service;
    }

    @Test
    void postgresIsVersion16WithANamedVolumeAndAHealthcheck() {
        Map<String, Object> postgres = service("postgres");
        assertThat(postgres.get("image")).isEqualTo("postgres:16");
        assertThat((List<String>) postgres.get("volumes")).containsExactly("postgres-data:/var/lib/postgresql/data");
        assertThat((Map<String, Object>) compose.get("volumes")).containsKeys("postgres-data", "blobs");
        assertThat(String.join(" ", (List<String>) dig(postgres, "healthcheck", "test"))).contains("pg_isready");
        assertThat(postgres.get("restart")).isEqualTo("unless-stopped");
        assertThat((String) dig(postgres, "environment", "POSTGRES_PASSWORD")).startsWith("${POSTGRES_PASSWORD:?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "worker"})
    void theServiceWaitsForAHealthyDatabaseAndSharesTheBlobVolume(String name) {
        Map<String, Object> service = service(name);
        assertThat((Object) dig(service, "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        Map<String, String> env = DockerfileTest.finalStage().env();
        assertThat((List<String>) service.get("volumes"))
                .contains("blobs:" + env.get("KERAS_REGISTRY_STORAGE_PATH"))
                .anyMatch(v -> v.endsWith(":" + env.get("KERAS_REGISTRY_PLUGINS_PATH") + ":ro"));
        assertThat(service.get("restart")).isEqualTo("unless-stopped");
        assertThat(String.join(" ", (List<String>) dig(service, "healthcheck", "test"))).contains("GET /readyz");
        assertThat((String) service.get("stop_grace_period")).as("longer than graceful shutdown's 60 s").matches("[2-9]m");
        assertThat(service.get("init")).isEqualTo(true);
    }

    @Test
    void theRegistryRunsRoleAllAndTheWorkerRoleWorkerUnderAProfile() {
        assertThat((Object) dig(service("registry"), "environment", "KERAS_REGISTRY_ROLE")).isEqualTo("${KERAS_REGISTRY_ROLE:-all}");
        assertThat((Object) dig(service("registry"), "build")).isEqualTo(".");
        assertThat((List<String>) service("registry").get("ports")).containsExactly("${KERAS_REGISTRY_PORT:-8080}:8080");
        Map<String, Object> worker = service("worker");
        assertThat((Object) dig(worker, "environment", "KERAS_REGISTRY_ROLE")).isEqualTo("worker");
        assertThat((List<String>) worker.get("profiles")).containsExactly("workers");
        assertThat(worker).as("no API traffic for the worker").doesNotContainKey("ports");
        assertThat(service("registry")).doesNotContainKey("profiles");
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "worker"})
    void everySettingIsWiredAndSecretsComeOnlyFromTheEnvFile(String name) {
        Map<String, Object> env = dig(service(name), "environment");
        assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(DeployFiles.SETTINGS);
        for (String secret : List.of("SPRING_DATASOURCE_PASSWORD", "KERAS_REGISTRY_ADMIN_TOKEN")) {
            assertThat((String) env.get(secret)).as(secret).matches("\\$\\{[A-Z_]+:\\?[^}]+}");
        }
        assertThat((String) env.get("SPRING_DATASOURCE_URL")).startsWith("jdbc:postgresql://postgres:5432/");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Map<String, Object> env = dig(service("registry"), "environment");
        Map<String, String> expected = Map.of(
                "KERAS_REGISTRY_SECURITY_ANONYMOUS_READ", "false",
                "KERAS_REGISTRY_APPROVAL_FOUR_EYES", "false",
                "KERAS_REGISTRY_VALIDATION_WORKERS", "1",
                "KERAS_REGISTRY_VALIDATION_TIMEOUT", "120s",
                "KERAS_REGISTRY_VALIDATION_WORKER_HEAP", "1g",
                "KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP", "2g",
                "KERAS_REGISTRY_UPLOAD_MAX_FILE_SIZE", "20GB");
        expected.forEach((key, value) -> assertThat((String) env.get(key)).isEqualTo("${" + key + ":-" + value + "}"));
    }

    @Test
    void theMemoryLimitHoldsTheHeapShareAndTheValidationChild() {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) dig(service("registry"), "environment")).forEach((k, v) -> env.put(k, defaultOf(String.valueOf(v))));
        long limit = DeployFiles.bytes(defaultOf((String) service("registry").get("mem_limit")));
        assertThat(Memory.fits(limit, env)).as(Memory.explain(limit, env)).isTrue();
    }

    /** {@code ${X:-default}} → default; anything else as it is. */
    private static String defaultOf(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    @Test
    void everyVariableComposeReadsIsInEnvExampleAndTheSecretsThereAreEmpty() {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)").matcher(DeployFiles.read(DeployFiles.COMPOSE));
        while (m.find()) {
            used.add(m.group(1));
        }
        Map<String, String> example = new LinkedHashMap<>();
        Matcher e = Pattern.compile("(?m)^#?([A-Z_][A-Z0-9_]*)=(.*)$").matcher(DeployFiles.read(DeployFiles.ENV_EXAMPLE));
        while (e.find()) {
            example.put(e.group(1), e.group(2));
        }
        assertThat(example.keySet()).containsAll(used);
        assertThat(used).containsAll(example.keySet().stream().filter(k -> !k.startsWith("COMPOSE_")).toList());
        assertThat(example).as("stable volume names, whatever the checkout's folder is called")
                .containsEntry("COMPOSE_PROJECT_NAME", "keras-registry");
        assertThat(example).containsEntry("KERAS_REGISTRY_ADMIN_TOKEN", "").containsEntry("POSTGRES_PASSWORD", "");

        // the defaults .env.example shows are the ones compose applies
        Matcher d = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):-([^}]*)}").matcher(DeployFiles.read(DeployFiles.COMPOSE));
        while (d.find()) {
            assertThat(example.get(d.group(1))).as("default of %s", d.group(1)).isEqualTo(d.group(2));
        }
        assertThat(DeployFiles.read(DeployFiles.GITIGNORE).lines()).contains(".env");
    }
}
