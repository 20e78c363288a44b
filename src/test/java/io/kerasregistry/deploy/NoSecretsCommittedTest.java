package io.kerasregistry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No secret in the deployment files: no key material, no token-like string, and no password,
 * token or secret key with a literal value (references such as {@code ${VAR:?...}}, Secret key
 * names and empty values are fine). The chart's defaults leave both secrets empty.
 */
class NoSecretsCommittedTest {

    /** A key whose name ends in password/token/secret, then a value. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?im)^[ \\t#-]*\"?([A-Za-z0-9_.-]*(?:password|passwd|token|secret))\"?[ \\t]*[:=][ \\t]*(.*)$");
    private static final Pattern KEY_MATERIAL = Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[abp]-[A-Za-z0-9-]{10,}"
                    + "|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}");

    static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>(List.of(DeployFiles.DOCKERFILE, DeployFiles.COMPOSE, DeployFiles.ENV_EXAMPLE,
                DeployFiles.JVM_OPTIONS, DeployFiles.DEPLOY_DOC));
        try (Stream<Path> chart = Files.walk(DeployFiles.CHART)) {
            chart.filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }

    /** A value that names or references a secret, or is no string at all, instead of being a secret. */
    static boolean isReference(String key, String value) {
        String v = value.replaceFirst("\\s+#.*$", "").replaceFirst(",$", "").strip();
        if (v.isEmpty() || v.equals("\"\"") || v.equals("''") || v.startsWith("${") || v.startsWith("{{")
                || v.startsWith("$(") || v.equals("{") || v.equals("{}") || v.equals("[]") || v.equals("true")
                || v.equals("false")) {
            return true;
        }
        // existingSecret: keras-registry-db names a Secret; a password or token never is a bare name
        return key.toLowerCase().endsWith("secret") && v.matches("\"?[a-z0-9.-]+\"?");
    }

    @Test
    void theDeploymentFilesHoldNoSecretValues() throws IOException {
        List<String> findings = new ArrayList<>();
        for (Path file : files()) {
            String text = Files.readString(file);
            Matcher key = KEY_MATERIAL.matcher(text);
            while (key.find()) {
                findings.add(DeployFiles.ROOT.relativize(file) + ": key material " + key.group());
            }
            if (file.toString().endsWith(".md")) {
                continue; // prose: examples of commands, checked by eye
            }
            Matcher assignment = SECRET_ASSIGNMENT.matcher(text);
            while (assignment.find()) {
                if (!isReference(assignment.group(1), assignment.group(2))) {
                    findings.add(DeployFiles.ROOT.relativize(file) + ": " + assignment.group().strip());
                }
            }
        }
        assertThat(findings).isEmpty();
    }

    @Test
    void theScanFindsASecretWhenThereIsOne() {
        // the scan itself, on lines that must be flagged and lines that must not
        Map<String, Boolean> lines = Map.of(
                "  password: hunter2hunter2", true,
                "  existingSecret: keras-registry-db", false,
                "  \"password\": {", false,
                "automountServiceAccountToken: false", false,
                "KERAS_REGISTRY_ADMIN_TOKEN=9f2c1e0b7a", true,
                "  SPRING_DATASOURCE_PASSWORD: ${POSTGRES_PASSWORD:?set it}", false,
                "  existingSecretPasswordKey: database-password", false,
                "  value: \"\"", false,
                "POSTGRES_PASSWORD=", false);
        lines.forEach((line, secret) -> {
            Matcher m = SECRET_ASSIGNMENT.matcher(line);
            boolean flagged = m.find() && !isReference(m.group(1), m.group(2));
            assertThat(flagged).as(line).isEqualTo(secret);
        });
    }

    @Test
    void theChartsDefaultsLeaveTheSecretsEmpty() {
        Map<String, Object> values = DeployFiles.loadYaml(DeployFiles.CHART_VALUES);
        assertThat((String) DeployFiles.dig(values, "database", "password")).isEmpty();
        assertThat((String) DeployFiles.dig(values, "adminToken", "value")).isEmpty();
        Map<String, Object> production = DeployFiles.loadYaml(DeployFiles.PRODUCTION_VALUES);
        assertThat((Map<String, Object>) production.get("database")).doesNotContainKey("password");
        assertThat((Map<String, Object>) production.get("adminToken")).doesNotContainKey("value");
    }
}
